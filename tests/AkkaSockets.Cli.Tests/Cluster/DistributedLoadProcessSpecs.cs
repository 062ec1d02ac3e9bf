using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AkkaSockets.Cli.Tests.Cluster;

/// <summary>
/// <c>load-worker</c> and <c>load --workers N</c> as real processes on loopback (cluster ports 0,
/// the failure detector shortened through a config file) against a plain <c>server</c>.
/// </summary>
public sealed partial class DistributedLoadProcessSpecs : IDisposable
{
    private static readonly TimeSpan RunWithin = TimeSpan.FromSeconds(90);

    private const string Fast = """
        akka.cluster.failure-detector.heartbeat-interval = 500ms
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 4s
        akka.cluster.gossip-interval = 300ms
        akka.cluster.leader-actions-interval = 300ms
        akkasockets.client.load.progress-interval = 300ms
        """;

    private const int SigKill = 9;

    private readonly string _config = Path.Combine(Path.GetTempPath(), $"akkasockets-load-{Guid.NewGuid():N}.conf");
    private readonly List<CliProcess> _processes = [];

    public DistributedLoadProcessSpecs() => File.WriteAllText(_config, Fast);

    public void Dispose()
    {
        foreach (var process in _processes)
            process.Dispose();
        File.Delete(_config);
    }

    [Fact]
    public async Task Two_load_workers_and_a_coordinator_complete_every_session_and_print_one_json_object_with_both_workers()
    {
        var port = await ServerAsync("20ms");
        var seed = await WorkersAsync(2);

        using var load = Coordinator(seed, port, "--connections", "10", "--sessions", "40", "--expect-delay", "20ms", "--json");
        var code = await load.WaitForExitAsync(RunWithin);

        Assert.True(code == 0, $"load exited {code}\nstdout:\n{load.Stdout}\nstderr:\n{load.Stderr}");
        var root = OneJsonObject(load);
        Assert.Equal((40L, 0L, 120L), (root.GetProperty("ok").GetInt64(), root.GetProperty("failed").GetInt64(), root.GetProperty("replies").GetInt64()));
        Assert.True(root.GetProperty("reply_ms").GetProperty("p50").GetDouble() >= 10, root.GetProperty("reply_ms").ToString());
        var workers = root.GetProperty("workers").EnumerateArray().ToList();
        Assert.Equal(2, workers.Count);
        Assert.All(workers, w => Assert.Equal((20L, 60L, JsonValueKind.Null), (w.GetProperty("ok").GetInt64(), w.GetProperty("replies").GetInt64(), w.GetProperty("lost").ValueKind)));
        Assert.Equal(
            _processes.Where(p => p.Stderr.Lines.Any(l => l.Contains("(role load-worker)", StringComparison.Ordinal))).Select(ClusterAddress).Order(StringComparer.Ordinal),
            workers.Select(w => w.GetProperty("address").GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains("Sessions: 40 ok, 0 failed of 40", load.Stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_load_worker_killed_mid_run_ends_the_run_with_its_sessions_counted_as_worker_lost_and_a_summary()
    {
        var port = await ServerAsync("200ms");
        var seed = await WorkersAsync(2);
        var victim = _processes.Last();

        // Each worker: 20 sessions, 2 at a time, 3 replies of 200 ms each: about 6 s.
        using var load = Coordinator(seed, port, "--connections", "4", "--sessions", "40", "--expect-delay", "200ms", "--json");
        await load.Stderr.WaitForAsync(l => ProgressOk().Match(l) is { Success: true } m && int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) >= 2, RunWithin, "a progress line with 2 sessions ok");
        Assert.Equal(0, SendSignal(victim.Id, SigKill));
        var code = await load.WaitForExitAsync(RunWithin);

        Assert.True(code == 16, $"load exited {code} (16: sessions failed)\nstdout:\n{load.Stdout}\nstderr:\n{load.Stderr}");
        var root = OneJsonObject(load);
        var lost = root.GetProperty("failures").GetProperty("worker-lost").GetInt64();
        Assert.InRange(lost, 1, 20);
        Assert.Equal(40, root.GetProperty("ok").GetInt64() + root.GetProperty("failed").GetInt64());
        var gone = root.GetProperty("workers").EnumerateArray().Single(w => w.GetProperty("address").GetString() == ClusterAddress(victim));
        Assert.Equal(JsonValueKind.String, gone.GetProperty("lost").ValueKind);
        Assert.Contains("Failures: worker-lost", load.Stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("LOST", load.Stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_few_load_workers_within_the_wait_is_one_clear_line_and_exit_42()
    {
        var seed = await WorkersAsync(1);

        using var load = CoordinatorWaiting(seed, 9, "8s", "--connections", "2", "--sessions", "2");
        var code = await load.WaitForExitAsync(RunWithin);

        Assert.True(code == 42, $"load exited {code}\nstderr:\n{load.Stderr}");
        // One worker is up; on a busy machine the coordinator may not have seen it yet.
        Assert.Contains(load.Stderr.Lines, l => TooFew().IsMatch(l));
        Assert.DoesNotContain(load.Stdout.Lines, l => l.Length > 0);
    }

    [Fact]
    public async Task Fewer_sessions_than_workers_is_a_usage_error_naming_the_flag()
    {
        var result = await CliProcess.RunAsync("load", "--workers", "3", "--seed", "127.0.0.1:9", "--connections", "2", "--sessions", "2");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("akkasockets load: --workers: 2 connections cannot be shared among 3 workers", result.Stderr, StringComparison.Ordinal);
    }

    private async Task<int> ServerAsync(string delay)
    {
        var (server, port) = await CliProcess.StartServerAsync("--delay", delay, "--quiet");
        _processes.Add(server);
        return port;
    }

    /// <summary>Starts <paramref name="count"/> workers, the first starting the cluster; returns its cluster port.</summary>
    private async Task<int> WorkersAsync(int count)
    {
        var first = Start("load-worker", "--cluster-port", "0", "--config", _config);
        var line = await first.Stderr.WaitForAsync(l => NodeLine().IsMatch(l), CliProcess.StartTimeout, "the first worker's cluster node line");
        var seed = int.Parse(NodeLine().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
        for (var i = 1; i < count; i++)
        {
            var worker = Start("load-worker", "--cluster-port", "0", "--seed", $"127.0.0.1:{seed}", "--config", _config);
            await worker.Stderr.WaitForAsync(l => NodeLine().IsMatch(l), CliProcess.StartTimeout, "a worker's cluster node line");
        }

        return seed;
    }

    private CliProcess Coordinator(int seed, int port, params string[] args) => CoordinatorWaiting(seed, port, "60s", args);

    private CliProcess CoordinatorWaiting(int seed, int port, string wait, params string[] args) =>
        CliProcess.Start([
            "load", "--workers", "2", "--seed", $"127.0.0.1:{seed}", "--cluster-port", "0", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--config", _config, "--workers-timeout", wait, .. args]);

    private CliProcess Start(params string[] args)
    {
        var process = CliProcess.Start(args);
        _processes.Add(process);
        return process;
    }

    private static JsonElement OneJsonObject(CliProcess process)
    {
        var lines = process.Stdout.Lines.Where(l => l.Length > 0).ToList();
        Assert.True(lines.Count == 1, $"stdout should be one JSON line, was:\n{process.Stdout}");
        using var document = JsonDocument.Parse(lines[0]);
        return document.RootElement.Clone();
    }

    private static string ClusterAddress(CliProcess node) =>
        NodeLine().Match(node.Stderr.Lines.First(l => NodeLine().IsMatch(l))).Value["Cluster node ".Length..];

    [GeneratedRegex(@"^Cluster node akka\.tcp://akkasockets@127\.0\.0\.1:(\d+)")]
    private static partial Regex NodeLine();

    [GeneratedRegex(@"^akkasockets load: [01] of 2 load workers joined within 8s \(seeds 127\.0\.0\.1:\d+\)$")]
    private static partial Regex TooFew();

    [GeneratedRegex(@"^load: \S+ ok (\d+) ")]
    private static partial Regex ProgressOk();

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
