using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AkkaSockets.Cli.Tests.Cluster;

/// <summary>
/// Real <c>akkasockets server</c> processes forming a cluster on loopback: cluster ports 0, one
/// greeting port shared with SO_REUSEPORT, and a failure detector and Split Brain Resolver
/// shortened through a config file, so a lost node is downed in seconds.
/// </summary>
internal sealed partial class ClusterProcesses : IDisposable
{
    /// <summary>Heartbeat pause + stable-after below, plus gossip rounds and a busy machine's slack.</summary>
    public static readonly TimeSpan DownedWithin = TimeSpan.FromSeconds(45);

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // Shortened for tests; a loaded 2-core machine still sees heartbeats seconds late, hence a 5 s pause.
    private const string Fast = """
        akka.cluster.failure-detector.heartbeat-interval = 500ms
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 5s
        akka.cluster.split-brain-resolver.stable-after = 3s
        akka.cluster.gossip-interval = 300ms
        akka.cluster.leader-actions-interval = 300ms
        akka.cluster.distributed-data.gossip-interval = 300ms
        akkasockets.cluster.publish-interval = 300ms
        """;

    private const int SigKill = 9;
    private const int SigCont = 18;
    private const int SigStop = 19;

    private readonly string _config = Path.Combine(Path.GetTempPath(), $"akkasockets-cluster-{Guid.NewGuid():N}.conf");
    private readonly List<CliProcess> _nodes = [];

    public ClusterProcesses() => File.WriteAllText(_config, Fast);

    public int GreetingPort { get; private set; }

    public int SeedPort { get; private set; }

    /// <summary>The seed (a server node that starts the cluster) and <paramref name="members"/> more nodes on its greeting port.</summary>
    public async Task<IReadOnlyList<CliProcess>> StartAsync(int members, params string[] serverArgs)
    {
        var seed = Server(["--port", "0", "--cluster-port", "0", .. serverArgs]);
        var listening = await seed.Stdout.WaitForAsync(l => l.StartsWith("Listening on ", StringComparison.Ordinal), CliProcess.StartTimeout, "the Listening line");
        GreetingPort = int.Parse(listening[(listening.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        var node = await seed.Stderr.WaitForAsync(l => NodeLine().IsMatch(l), CliProcess.StartTimeout, "the cluster node line");
        SeedPort = int.Parse(NodeLine().Match(node).Groups[1].Value, CultureInfo.InvariantCulture);

        var started = new List<CliProcess>();
        for (var i = 0; i < members; i++)
            started.Add(Server(["--port", GreetingPort.ToString(CultureInfo.InvariantCulture), "--cluster-port", "0",
                "--seed", $"127.0.0.1:{SeedPort}", .. serverArgs]));
        foreach (var member in started)
            await member.Stdout.WaitForAsync("Waiting for connection...", CliProcess.StartTimeout);

        await AwaitMembersAsync(members + 1);
        return started;
    }

    /// <summary>Runs <c>status --json</c> against the seed and returns its one JSON object.</summary>
    public async Task<JsonElement> StatusAsync()
    {
        using var status = CliProcess.Start("status", "--seed", $"127.0.0.1:{SeedPort}", "--json", "--timeout", "20s", "--config", _config);
        var code = await status.WaitForExitAsync(Patience);
        Assert.True(code == 0, $"status exited {code}\nstdout:\n{status.Stdout}\nstderr:\n{status.Stderr}");
        var lines = status.Stdout.Lines.Where(l => l.Length > 0).ToList();
        Assert.True(lines.Count == 1, $"status --json should print one line, printed:\n{status.Stdout}");
        using var document = JsonDocument.Parse(lines[0]);
        return document.RootElement.Clone();
    }

    /// <summary>Polls status until <paramref name="accept"/> holds (every failed check is retried until the deadline).</summary>
    public async Task<JsonElement> AwaitStatusAsync(Func<JsonElement, bool> accept, string what)
    {
        using var deadline = new CancellationTokenSource(Patience);
        JsonElement last = default;
        while (!deadline.IsCancellationRequested)
        {
            last = await StatusAsync();
            if (accept(last))
                return last;
        }

        Assert.Fail($"status never showed {what}; last:\n{last}");
        return last;
    }

    public Task<JsonElement> AwaitMembersAsync(int count) =>
        AwaitStatusAsync(
            s => s.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "Up" && m.GetProperty("reachable").GetBoolean()) == count
                 && s.GetProperty("members").GetArrayLength() == count,
            $"{count} reachable Up members");

    /// <summary>
    /// Waits until the leader (whichever node it is) logs its Split Brain Resolver's decision to
    /// down <paramref name="node"/>; fails after <see cref="DownedWithin"/>.
    /// </summary>
    public async Task AwaitDownedAsync(CliProcess node)
    {
        var address = ClusterAddress(node);
        var others = _nodes.Where(n => n != node).ToList();
        using var deadline = new CancellationTokenSource(DownedWithin);
        while (!others.Any(n => n.Stderr.Lines.Any(l => l.Contains("SBR took decision", StringComparison.Ordinal) && l.Contains(address, StringComparison.Ordinal))))
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no node's resolver downed {address} within {DownedWithin.TotalSeconds} s:\n{string.Join("\n---\n", others.Select(n => n.Stderr))}");
            }
        }
    }

    public static string ClusterAddress(CliProcess node) =>
        NodeLine().Match(node.Stderr.Lines.First(l => NodeLine().IsMatch(l))).Groups[0].Value["Cluster node ".Length..];

    public static void Kill(CliProcess node) => Signal(node, SigKill);

    public static void Freeze(CliProcess node) => Signal(node, SigStop);

    public static void Thaw(CliProcess node) => Signal(node, SigCont);

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            // A frozen process cannot die until it runs again.
            Signal(node, SigCont, check: false);
            node.Dispose();
        }

        File.Delete(_config);
    }

    private CliProcess Server(string[] args)
    {
        var node = CliProcess.Start(["server", "--reuse-port", "--config", _config, .. args]);
        _nodes.Add(node);
        return node;
    }

    private static void Signal(CliProcess node, int signal, bool check = true)
    {
        var result = SendSignal(node.Id, signal);
        if (check)
            Assert.Equal(0, result);
    }

    [GeneratedRegex(@"^Cluster node akka\.tcp://akkasockets@127\.0\.0\.1:(\d+)")]
    private static partial Regex NodeLine();

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
