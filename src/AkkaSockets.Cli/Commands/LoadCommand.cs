using System.CommandLine;
using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Client.Distributed;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Cli.Hosting;
using AkkaSockets.Cli.Rendering;
using AkkaSockets.Cli.Reports;
using HdrHistogram;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

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
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout (and nothing else there); the summary stays on stderr." };
        var hgrm = new Option<string>("--hgrm") { Description = "Write the reply latency percentile distribution (HdrHistogram .hgrm, as wrk2) to FILE." };
        var report = new Option<string>("--report") { Description = "Write a self-contained HTML report with charts to FILE." };
        var maxP99 = new Option<string>("--max-p99") { Description = "Exit 17 when the reply p99 is above this duration (or no reply arrived)." };
        var maxFailures = new Option<string>("--max-failures") { Description = "Exit 18 when more sessions than this failed; up to it, failures do not fail the run." };
        var verbose = new Option<bool>("--verbose") { Description = "Also print the generator's own diagnostics (GC collections and pauses)." };
        var distributed = new DistributedLoad();
        command.Add(flags.Add("--connections", "akkasockets.client.load.connections", "Sessions open at the same time, at most. [100]"));
        command.Add(flags.Add("--sessions", "akkasockets.client.load.sessions", "Sessions in all. [as many as --connections; with --duration, unlimited]"));
        command.Add(flags.Add("--ramp", "akkasockets.client.load.ramp", "New connections per second; 'off' starts them all at once. [off]"));
        command.Add(flags.Add("--duration", "akkasockets.client.load.duration", "Keep starting sessions for this long; running ones then finish. [off]"));
        command.Add(flags.Add("--max-duration", "akkasockets.client.load.max-duration", "Hard cap on the run; unfinished sessions count as cancelled. [off]"));
        command.Add(flags.Add("--think", "akkasockets.client.load.think", "Pause between a reply and the next name. [0s]"));
        command.Add(flags.Add("--expect-delay", "akkasockets.client.load.expect-delay", "The server's reply delay, subtracted in the summary. [1s]"));
        command.Add(flags.Add("--framing", "akkasockets.client.framing", "chunk (the tutorial's bare bytes) or line (\\n-terminated). [chunk]"));
        ClientCommand.AddConnectionFlags(command, flags);
        command.Add(names);
        command.Add(json);
        command.Add(hgrm);
        command.Add(report);
        command.Add(maxP99);
        command.Add(maxFailures);
        command.Add(verbose);
        command.Add(config);
        distributed.AddTo(command);

        command.SetAction(async (parse, _) =>
        {
            ClientSettings settings;
            Akka.Configuration.Config composed;
            LoadOutputs outputs;
            try
            {
                composed = flags.Compose(parse, parse.GetValue(config), "common", "client");
                settings = ClientCommand.WithNames(ClientSettings.FromConfig(composed), parse.GetValue(names), "--names");
                outputs = new LoadOutputs(
                    parse.GetValue(json),
                    OutputFile(parse.GetValue(hgrm), "--hgrm"),
                    OutputFile(parse.GetValue(report), "--report"),
                    new LoadThresholds(P99Limit(parse.GetValue(maxP99)), FailureLimit(parse.GetValue(maxFailures))),
                    parse.GetValue(verbose));
            }
            catch (SettingsException e)
            {
                await Console.Error.WriteLineAsync($"akkasockets load: {flags.Describe(e, parse)}");
                return ExitCodes.Usage;
            }

            if (distributed.Given(parse))
                return await distributed.RunAsync(parse, flags, parse.GetValue(config), settings, outputs);
            return await RunAsync(settings, outputs, (load, bar) => MeasureAsync(composed, settings, load, bar));
        });
        return command;
    }

    private static string? OutputFile(string? path, string flag)
    {
        if (path is null)
            return null;
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } directory && !Directory.Exists(directory))
            throw new SettingsException(flag, $"the directory '{directory}' does not exist");
        return full;
    }

    private static TimeSpan? P99Limit(string? text)
    {
        if (text is null)
            return null;
        return Units.TryParseDuration(text, out var value)
            ? value
            : throw new SettingsException("--max-p99", $"'{text}' is not a duration (like 1050ms, 1.2s)");
    }

    private static long? FailureLimit(string? text)
    {
        if (text is null)
            return null;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new SettingsException("--max-failures", $"'{text}' is not a whole number of sessions (0 or more)");
    }

    /// <summary>
    /// A generator's own GC pauses land in its latency figures as if the server were slow. A run
    /// allocates about 7 KiB per session, so for runs up to a few tens of thousands of sessions
    /// the runtime is asked to collect nothing until this budget (capped) is used up; after that,
    /// or if the runtime refuses, collections happen as usual. Returns the budget granted, or 0.
    /// </summary>
    private static long HoldOffGc(int? sessions)
    {
        const long PerSession = 12 * 1024;
        const long Slack = 64L * 1024 * 1024;
        const long Cap = 384L * 1024 * 1024;
        var budget = sessions is { } count ? Math.Min(Cap, Slack + (count * PerSession)) : Cap;
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

    /// <summary>
    /// Runs the load <paramref name="measure"/> makes (in this process, or over workers) under the
    /// progress display, then prints the summary, the JSON and the files, and returns the exit code.
    /// </summary>
    internal static async Task<int> RunAsync(
        ClientSettings settings, LoadOutputs outputs, Func<LoadSettings, ProgressTask?, Task<LoadRun>> measure, string? over = null)
    {
        // A blocking full collection would stall every session at once and show up as latency.
        System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.SustainedLowLatency;
        var terminal = !Console.IsErrorRedirected;
        var load = terminal && settings.Load.ProgressInterval > TerminalRefresh
            ? settings.Load with { ProgressInterval = TerminalRefresh }
            : settings.Load;

        await Console.Error.WriteLineAsync(Announce(settings, load) + over);
        LoadRun run;
        if (terminal)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            LoadRun? measured = null;
            await LoadConsoleActor.CreateProgress(console)
                .StartAsync(async context =>
                {
                    var bar = context.AddTask("starting", maxValue: load.Sessions ?? 1);
                    measured = await measure(load, bar);
                });
            run = measured!;
        }
        else
        {
            run = await measure(load, null);
        }

        if (run.Report is not { } report)
        {
            await Console.Error.WriteLineAsync(run.Abort);
            return run.AbortCode;
        }

        if (outputs.Verbose)
        {
            // The generator's own pauses are part of what it measures.
            await Console.Error.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"load: GC collections gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}; " +
                $"paused {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms; allocated {GC.GetTotalAllocatedBytes() / (1024 * 1024)} MiB" +
                $"{(run.HeldOffGc > 0 ? $" (collections held off for the first {run.HeldOffGc / (1024 * 1024)} MiB)" : string.Empty)}"));
        }

        LoadSummary.Write(Console.Error, report, outputs.Thresholds);
        if (run.Workers is { } workers)
            DistributedLoad.WriteWorkers(Console.Error, workers);
        await Console.Error.FlushAsync();
        if (outputs.Json)
        {
            var json = LoadSummary.ToJson(report, settings, outputs.Thresholds);
            await Console.Out.WriteLineAsync(run.Workers is { } parts ? DistributedLoad.WithWorkers(json, parts) : json);
            await Console.Out.FlushAsync();
        }

        if (!await WriteFilesAsync(report, settings, outputs))
            return ExitCodes.Failure;
        return ExitCode(report, outputs.Thresholds);
    }

    /// <summary>Interrupted first; then the thresholds; then any failure when no failure limit was given.</summary>
    internal static int ExitCode(LoadReport report, LoadThresholds thresholds)
    {
        if (report.Interrupted)
            return ExitCodes.Interrupted;
        if (thresholds.FailuresExceeded(report))
            return ExitCodes.LoadTooManyFailures;
        if (thresholds.P99Exceeded(report))
            return ExitCodes.LoadP99Exceeded;
        return report.Failed > 0 && thresholds.MaxFailures is null ? ExitCodes.LoadHadFailures : ExitCodes.Ok;
    }

    private static async Task<LoadRun> MeasureAsync(Akka.Configuration.Config config, ClientSettings settings, LoadSettings load, ProgressTask? bar)
    {
        var session = ClientSession.From(settings, reportEachStep: false);
        var finished = new TaskCompletionSource<LoadReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var metrics = new LoadMetrics();
        using var host = ClientNode.Build(config, (system, registry) =>
        {
            var console = system.ActorOf(LoadConsoleActor.Props(Console.Error, bar, finished), "console");
            registry.Register<LoadGeneratorActor>(system.ActorOf(LoadGeneratorActor.Props(session, load, console, metrics), "load"));
        });

        var heldOff = HoldOffGc(load.Sessions);
        await host.StartAsync();
        var generator = host.Services.GetRequiredService<ActorRegistry>().Get<LoadGeneratorActor>();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        // Ctrl+C / SIGTERM end the run early; the summary of what was measured still prints.
        await using (lifetime.ApplicationStopping.Register(() => generator.Tell(StopLoad.Instance)))
        {
            var report = await finished.Task;
            if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
                GC.EndNoGCRegion();
            await host.StopAsync();
            return new LoadRun(report, heldOff);
        }
    }

    private static string Announce(ClientSettings settings, LoadSettings load)
    {
        var c = CultureInfo.InvariantCulture;
        var sessions = load.Sessions is { } count ? string.Create(c, $"{count} sessions") : "sessions";
        var duration = load.Duration is { } d ? $" for {Units.Format(d)}" : string.Empty;
        var think = load.Think > TimeSpan.Zero ? $", think {Units.Format(load.Think)}" : string.Empty;
        var cap = load.MaxDuration is { } m ? $", cap {Units.Format(m)}" : string.Empty;
        return string.Create(
            c,
            $"load: {sessions}{duration} against {settings.Host}:{settings.Port}, at most {load.Connections} open, " +
            $"{(load.Ramp is { } r ? $"{r} new per second" : "all at once")}{think}{cap}, " +
            $"transport {SettingsReader.Kebab(settings.Transport.ToString())}, framing {SettingsReader.Kebab(settings.Framing.ToString())}");
    }

    private static async Task<bool> WriteFilesAsync(LoadReport report, ClientSettings settings, LoadOutputs outputs)
    {
        try
        {
            if (outputs.Hgrm is { } hgrm)
            {
                await using var writer = new StreamWriter(hgrm);
                WriteHgrm(writer, report.Histogram);
            }

            if (outputs.Report is { } html)
                LoadHtmlReport.Write(html, report, settings, outputs.Thresholds);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"akkasockets load: cannot write the report: {e.Message}");
            return false;
        }
    }

    /// <summary>
    /// HdrHistogram's percentile distribution, in milliseconds (values are recorded in
    /// microseconds), 5 steps per half-distance: the <c>.hgrm</c> that wrk2 prints and
    /// HdrHistogram's plotter reads.
    /// </summary>
    internal static void WriteHgrm(TextWriter writer, HistogramBase micros) =>
        micros.OutputPercentileDistribution(writer, percentileTicksPerHalfDistance: 5, outputValueUnitScalingRatio: 1000.0);

    /// <summary>What a run measured; without a report, the line and exit code that end it.</summary>
    internal sealed record LoadRun(LoadReport? Report, long HeldOffGc, IReadOnlyList<WorkerOutcome>? Workers = null, string? Abort = null, int AbortCode = 0);

    internal sealed record LoadOutputs(bool Json, string? Hgrm, string? Report, LoadThresholds Thresholds, bool Verbose);
}
