using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Client.Distributed;
using AkkaSockets.Actors.Cluster;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Cli.Hosting;
using AkkaSockets.Cli.Rendering;
using AkkaSockets.Cli.Reports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace AkkaSockets.Cli.Commands;

/// <summary>
/// <c>load --workers N --seed HOST:PORT</c>: this process joins the cluster as the run's
/// coordinator (role <c>load-coordinator</c>), waits for N <c>load-worker</c> members, splits the
/// run among them and turns their results into the one summary, JSON and report of a
/// single-process run, plus a per-worker breakdown.
/// </summary>
internal sealed class DistributedLoad
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(10);

    // Akka's own warnings (a lost worker's failed reconnects) would break into the progress display.
    private static readonly Akka.Configuration.Config QuietLogs =
        Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = ERROR\nakka.stdout-loglevel = ERROR");

    private readonly ClusterFlags _cluster = new();

    private readonly Option<string> _workers = new("--workers")
    {
        Description = "Run the load over N load-worker cluster members (with --seed), splitting sessions, connections and ramp among them.",
    };

    private readonly Option<string> _wait = new("--workers-timeout")
    {
        Description = "How long to wait for the N workers to join (exit 42 if they do not). [30s]",
    };

    public void AddTo(Command command)
    {
        command.Add(_workers);
        command.Add(_wait);
        _cluster.AddTo(command);
    }

    public bool Given(ParseResult parse) => parse.GetValue(_workers) is not null || parse.GetValue(_wait) is not null || _cluster.Given(parse);

    public async Task<int> RunAsync(ParseResult parse, FlagConfig flags, string? configFile, ClientSettings settings, LoadCommand.LoadOutputs outputs)
    {
        int workers;
        TimeSpan wait;
        ClusterSettings cluster;
        Akka.Configuration.Config composed;
        try
        {
            if (parse.GetValue(_workers) is not { } count)
                throw new SettingsException($"{_workers.Name}: give the number of load workers to run over (the cluster flags are for a distributed run)");
            if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out workers) || workers < 1)
                throw new SettingsException($"{_workers.Name}: '{count}' is not a number of workers (1 or more)");
            wait = DefaultWait;
            if (parse.GetValue(_wait) is { } text && (!Units.TryParseDuration(text, out wait) || wait <= TimeSpan.Zero))
                throw new SettingsException($"{_wait.Name}: '{text}' is not a duration (like 30s, 2m)");
            composed = _cluster.Layer(parse, enable: true).WithFallback(flags.Compose(parse, configFile, "common", "client", "cluster"));
            cluster = ClusterSettings.FromConfig(composed);
            if (cluster.Seeds.Count == 0)
                throw new SettingsException($"{_cluster.Seeds.Name}: give a seed (HOST:PORT), a worker's or any member's cluster port, or this node's own --cluster-port");
            ShareCheck(LoadShare.From(settings, settings.Load), workers);
        }
        catch (SettingsException e)
        {
            await Console.Error.WriteLineAsync($"akkasockets load: {_cluster.Describe(e, parse) ?? flags.Describe(e, parse)}");
            return ExitCodes.Usage;
        }

        var node = ClusterNode.Configure(cluster, ClusterNode.LoadCoordinatorRole, outputs.Verbose ? composed : QuietLogs.WithFallback(composed));
        var over = string.Create(CultureInfo.InvariantCulture, $", over {workers} load workers");
        return await LoadCommand.RunAsync(settings, outputs, (load, bar) => CoordinateAsync(node, cluster, settings, load, workers, wait, bar), over);
    }

    private void ShareCheck(LoadShare whole, int workers)
    {
        try
        {
            whole.Split(workers);
        }
        catch (ArgumentException e)
        {
            throw new SettingsException($"{_workers.Name}: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static async Task<LoadCommand.LoadRun> CoordinateAsync(
        Akka.Configuration.Config config, ClusterSettings cluster, ClientSettings settings, LoadSettings load, int workers, TimeSpan wait, ProgressTask? bar)
    {
        var unused = new TaskCompletionSource<LoadReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = ClusterHosting.BuildNode(config, cluster, (system, registry) =>
        {
            var console = system.ActorOf(LoadConsoleActor.Props(Console.Error, bar, unused), "console");
            registry.Register<LoadCoordinatorActor>(system.ActorOf(
                LoadCoordinatorActor.Props(LoadShare.From(settings, load), workers, wait, console), "load-coordinator"));
        });
        var stdout = Console.Out;
        try
        {
            Console.SetOut(TextWriter.Null);
            await host.StartAsync();
        }
        catch (Exception e)
        {
            return new LoadCommand.LoadRun(null, 0, Abort: $"akkasockets load: cannot start: {e.GetBaseException().Message.Split('\n')[0].Trim()}", AbortCode: ExitCodes.Usage);
        }
        finally
        {
            Console.SetOut(stdout);
        }

        var coordinator = host.Services.GetRequiredService<ActorRegistry>().Get<LoadCoordinatorActor>();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        object answer;
        // Ctrl+C / SIGTERM: the workers end their shares and send what they measured.
        await using (lifetime.ApplicationStopping.Register(() => coordinator.Tell(StopLoad.Instance)))
            answer = await coordinator.Ask<object>(AwaitDistributedResult.Instance, Timeout.InfiniteTimeSpan);

        using (var leave = new CancellationTokenSource(LeaveTimeout))
        {
            try
            {
                await host.StopAsync(leave.Token);
            }
            catch (OperationCanceledException)
            {
                // Leaving is best effort: the others remove a coordinator that vanished anyway.
            }
        }

        return answer switch
        {
            DistributedLoadResult result => new LoadCommand.LoadRun(result.Report, 0, result.Workers),
            WorkersMissing { Interrupted: true } missing => new LoadCommand.LoadRun(
                null, 0, Abort: string.Create(CultureInfo.InvariantCulture, $"akkasockets load: interrupted while waiting for load workers ({missing.Found} of {missing.Wanted} had joined)"), AbortCode: ExitCodes.Interrupted),
            WorkersMissing missing => new LoadCommand.LoadRun(
                null,
                0,
                Abort: string.Create(
                    CultureInfo.InvariantCulture,
                    $"akkasockets load: {missing.Found} of {missing.Wanted} load workers joined within {Units.Format(wait)} (seeds {string.Join(", ", cluster.Seeds.Select(s => $"{s.Host}:{s.Port}"))})"),
                AbortCode: ExitCodes.NotEnoughWorkers),
            _ => new LoadCommand.LoadRun(null, 0, Abort: $"akkasockets load: unexpected answer {answer}", AbortCode: ExitCodes.Failure),
        };
    }

    /// <summary>One line per worker after the summary.</summary>
    public static void WriteWorkers(TextWriter output, IReadOnlyList<WorkerOutcome> workers)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var w in workers)
        {
            var latency = w.Reply is { } r ? string.Create(c, $"p50 {r.P50:0.000} p99 {r.P99:0.000} max {r.Max:0.000} ms") : "no replies";
            var lost = w.Lost is { } how ? $"; LOST ({how})" : string.Empty;
            output.WriteLine(string.Create(c, $"Worker {w.Index} {w.Address}: {w.Ok} ok, {w.Failed} failed, {w.Replies} replies, {latency}, peak open {w.PeakOpen}{lost}"));
        }
    }

    /// <summary>The single-process JSON object with a <c>workers</c> array added.</summary>
    public static string WithWorkers(string json, IReadOnlyList<WorkerOutcome> workers)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var array = new JsonArray();
        foreach (var w in workers)
        {
            var failures = new JsonObject();
            foreach (var (cause, count) in w.Failures)
                failures[cause] = count;
            array.Add(new JsonObject
            {
                ["index"] = w.Index,
                ["address"] = w.Address,
                ["lost"] = w.Lost,
                ["connections"] = w.Share.Connections,
                ["sessions"] = w.Share.Sessions,
                ["ramp_per_s"] = w.Share.Ramp,
                ["started"] = w.Started,
                ["ok"] = w.Ok,
                ["failed"] = w.Failed,
                ["failures"] = failures,
                ["replies"] = w.Replies,
                ["reply_ms"] = LoadSummary.Latency(w.Reply),
                ["peak_open"] = w.PeakOpen,
                ["elapsed_s"] = Math.Round(w.Elapsed.TotalSeconds, 3),
                ["ended_by"] = w.EndedBy?.ToText(),
            });
        }

        root["workers"] = array;
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
