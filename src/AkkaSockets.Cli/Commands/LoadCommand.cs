using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using AkkaSockets.Cli.Hosting;
using AkkaSockets.Cli.Rendering;
using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AkkaSockets.Cli.Commands;

public static class LoadCommand
{
    private static readonly TimeSpan TerminalRefresh = TimeSpan.FromMilliseconds(250);

    public static Command Create()
    {
        var flags = new FlagConfig();
        var command = new Command("load", "Run many client sessions at once against a server and summarise latency and failures.");
        var config = new Option<string>("--config") { Description = "HOCON file layered over the embedded defaults." };
        var names = new Option<string[]>("--names")
        {
            Description = "Names each session sends. [Michael Tracy Sarah]",
            AllowMultipleArgumentsPerToken = true,
        };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object on the last stdout line too." };
        command.Add(flags.Add("--connections", "akkasockets.client.load.connections", "Sessions open at the same time, at most. [100]"));
        command.Add(flags.Add("--sessions", "akkasockets.client.load.sessions", "Sessions in all. [as many as --connections]"));
        command.Add(flags.Add("--ramp", "akkasockets.client.load.ramp", "New connections per second; 'off' starts them all at once. [off]"));
        command.Add(flags.Add("--duration", "akkasockets.client.load.duration", "Hard cap on the run; unfinished sessions count as cancelled. [5m]"));
        command.Add(flags.Add("--expect-delay", "akkasockets.client.load.expect-delay", "The server's reply delay, subtracted in the summary. [1s]"));
        ClientCommand.AddConnectionFlags(command, flags);
        command.Add(names);
        command.Add(json);
        command.Add(config);

        command.SetAction(async (parse, _) =>
        {
            ClientSettings settings;
            Akka.Configuration.Config composed;
            try
            {
                composed = flags.Compose(parse, parse.GetValue(config), "common", "client");
                settings = ClientCommand.WithNames(ClientSettings.FromConfig(composed), parse.GetValue(names), "--names");
            }
            catch (SettingsException e)
            {
                await Console.Error.WriteLineAsync($"akkasockets load: {flags.Describe(e, parse)}");
                return ExitCodes.Usage;
            }

            return await RunAsync(composed, settings, parse.GetValue(json));
        });
        return command;
    }

    /// <summary>
    /// A generator's own GC pauses land in its latency figures as if the server were slow. A run
    /// allocates about 7 KiB per session, so for runs up to a few tens of thousands of sessions
    /// the runtime is asked to collect nothing until this budget (capped) is used up; after that,
    /// or if the runtime refuses, collections happen as usual. Returns the budget granted, or 0.
    /// </summary>
    private static long HoldOffGc(int sessions)
    {
        const long PerSession = 12 * 1024;
        const long Slack = 64L * 1024 * 1024;
        const long Cap = 384L * 1024 * 1024;
        var budget = Math.Min(Cap, Slack + (sessions * PerSession));
        try
        {
            return GC.TryStartNoGCRegion(budget) ? budget : 0;
        }
        catch (ArgumentOutOfRangeException)
        {
            // Larger than this runtime allows without collecting: run with collections.
            return 0;
        }
    }

    private static async Task<int> RunAsync(Akka.Configuration.Config config, ClientSettings settings, bool json)
    {
        // A blocking full collection would stall every session at once and show up as latency.
        System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.SustainedLowLatency;
        var terminal = !Console.IsErrorRedirected;
        var load = terminal && settings.Load.ProgressInterval > TerminalRefresh
            ? settings.Load with { ProgressInterval = TerminalRefresh }
            : settings.Load;
        var session = ClientSession.From(settings, reportEachStep: false);
        var finished = new TaskCompletionSource<LoadReport>(TaskCreationOptions.RunContinuationsAsynchronously);

        using var host = ClientNode.Build(config, (system, registry) =>
        {
            var console = system.ActorOf(LoadConsoleActor.Props(Console.Error, terminal, finished), "console");
            registry.Register<LoadGeneratorActor>(system.ActorOf(LoadGeneratorActor.Props(session, load, console), "load"));
        });

        await Console.Error.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"load: {load.Sessions} sessions against {settings.Host}:{settings.Port}, at most {load.Connections} open, " +
            $"{(load.Ramp is { } r ? $"{r} new per second" : "all at once")}, cap {Units.Format(load.Duration)}, " +
            $"transport {SettingsReader.Kebab(settings.Transport.ToString())}"));
        var heldOff = HoldOffGc(load.Sessions);
        await host.StartAsync();
        var generator = host.Services.GetRequiredService<ActorRegistry>().Get<LoadGeneratorActor>();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var interrupted = false;
        // Ctrl+C / SIGTERM end the run early; the summary of what was measured still prints.
        await using (lifetime.ApplicationStopping.Register(() =>
        {
            interrupted = true;
            generator.Tell(StopLoad.Instance);
        }))
        {
            var report = await finished.Task;
            if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
                GC.EndNoGCRegion();
            // Read before stopping the host: our own stop raises ApplicationStopping too.
            var byUser = interrupted;
            await host.StopAsync();

            // The generator's own pauses are part of what it measures: show them.
            await Console.Error.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"load: GC collections gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}; " +
                $"paused {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms; allocated {GC.GetTotalAllocatedBytes() / (1024 * 1024)} MiB" +
                $"{(heldOff > 0 ? $" (collections held off for the first {heldOff / (1024 * 1024)} MiB)" : string.Empty)}"));
            var stdout = Console.Out;
            WriteSummary(stdout, report);
            if (json)
                await stdout.WriteLineAsync(ToJson(report));
            await stdout.FlushAsync();
            return byUser ? ExitCodes.Interrupted : report.Failed > 0 ? ExitCodes.LoadHadFailures : ExitCodes.Ok;
        }
    }

    internal static void WriteSummary(TextWriter output, LoadReport report)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"Sessions: {report.Ok} ok, {report.Failed} failed of {report.Sessions} ({report.EndedBy} in {report.Elapsed.TotalSeconds:0.00}s)"));
        if (report.Failures.Count > 0)
            output.WriteLine("Failures: " + string.Join(", ", report.Failures.Select(p => string.Create(c, $"{p.Key} {p.Value}"))));
        output.WriteLine(string.Create(c, $"Reply latency (ms, {report.Reply.Count} replies): {Percentiles(report.Reply)}"));
        output.WriteLine(string.Create(c, $"Over the expected {Units.Format(report.ExpectDelay)} delay (ms): {Percentiles(report.OverDelay)}"));
        output.WriteLine(string.Create(c, $"Sessions per second: {report.SessionsPerSecond:0.0}"));
        output.WriteLine(string.Create(c, $"Peak open connections: {report.PeakOpen}"));
    }

    private static string Percentiles(LatencySummary s) => string.Create(
        CultureInfo.InvariantCulture,
        $"p50 {s.P50:0.000}  p90 {s.P90:0.000}  p99 {s.P99:0.000}  p99.9 {s.P999:0.000}  max {s.Max:0.000}  mean {s.Mean:0.000}");

    internal static string ToJson(LoadReport report)
    {
        var failures = new JsonObject();
        foreach (var (cause, count) in report.Failures)
            failures[cause] = count;
        var root = new JsonObject
        {
            ["sessions"] = report.Sessions,
            ["ok"] = report.Ok,
            ["failed"] = report.Failed,
            ["failures"] = failures,
            ["replies"] = report.Reply.Count,
            ["reply_ms"] = Latency(report.Reply),
            ["over_delay_ms"] = Latency(report.OverDelay),
            ["expect_delay_ms"] = report.ExpectDelay.TotalMilliseconds,
            ["sessions_per_s"] = Math.Round(report.SessionsPerSecond, 3),
            ["peak_open"] = report.PeakOpen,
            ["elapsed_s"] = Math.Round(report.Elapsed.TotalSeconds, 3),
            ["ended_by"] = report.EndedBy,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static JsonObject Latency(LatencySummary s) => new()
    {
        ["p50"] = Math.Round(s.P50, 3),
        ["p90"] = Math.Round(s.P90, 3),
        ["p99"] = Math.Round(s.P99, 3),
        ["p99.9"] = Math.Round(s.P999, 3),
        ["max"] = Math.Round(s.Max, 3),
        ["mean"] = Math.Round(s.Mean, 3),
    };
}
