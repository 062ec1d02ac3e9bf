using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Protocol.Framing;
using AkkaSockets.Actors.Server;
using Xunit.Abstractions;

namespace AkkaSockets.Actors.Tests.Server;

/// <summary>
/// Hundreds of well-behaved clients run the protocol on a real loopback socket while abusive
/// ones do what real networks and real attackers do. Everything is bounded in count and time;
/// the server runs in this process so its managed memory can be measured.
/// </summary>
[Trait("Category", "Hardening")]
[Collection(RunsAlone.Name)]
public sealed class ChaosSpecs : IAsyncLifetime
{
    private const int MaxConnections = 400;
    private const int WellBehaved = 300;
    private const int Flooders = 8;
    private const int Slowloris = 8;
    private const int Resetters = 16;
    private const int HalfOpen = 16;
    private const int InvalidUtf8 = 16;
    private const int OverLong = 16;

    // Held open all at once, so at least Storm - MaxConnections of them must be turned away.
    private const int Storm = MaxConnections + 50;

    private const int FloodCapBytes = 2 * 1024 * 1024;

    // Everything the server holds for 400 connections (actors, Akka.IO buffers, queues bounded by
    // max-pending-messages and the 1 KiB read frame) fits far inside this; a leak does not.
    private const long PeakGrowthBound = 64L * 1024 * 1024;
    private const long ResidualGrowthBound = 16L * 1024 * 1024;

    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(50);

    // On time: the delay plus a margin for a loaded 2-core machine (GC, other builds).
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);

    private readonly ITestOutputHelper _output;
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentBag<double> _replyMs = [];
    private readonly ConcurrentBag<Socket> _abusive = [];
    private ActorSystem _system = null!;
    private IActorRef _server = null!;
    private int _port;

    public ChaosSpecs(ITestOutputHelper output) => _output = output;

    public async Task InitializeAsync()
    {
        _system = ActorSystem.Create("chaos", HoconDefaults.Embedded("common"));
        var settings = ServerSettings.Default with
        {
            Port = 0,
            ReplyDelay = Delay,
            Framing = FramingMode.Line,
            MaxConnections = MaxConnections,
        };
        _server = _system.ActorOf(GreetingServerActor.Props(settings, new IPEndPoint(IPAddress.Loopback, 0)), "greeting-server");
        var bound = Assert.IsType<ServerBound>(await _server.Ask<object>(AwaitBound.Instance, TimeSpan.FromSeconds(15)));
        _port = ((IPEndPoint)bound.LocalAddress).Port;
    }

    public async Task DisposeAsync()
    {
        foreach (var socket in _abusive)
            socket.Dispose();
        await _system.Terminate();
    }

    [Fact]
    public async Task Well_behaved_clients_are_answered_on_time_while_abusive_ones_flood_stall_reset_and_storm_the_server()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var cancel = deadline.Token;

        // Warm up (JIT, Akka.IO's pools) so the baseline is the server at rest, not a cold process.
        await WellBehavedSession(-1, () => { }, cancel);
        var baseline = ManagedBytes();

        var greeted = new Countdown(WellBehaved + Slowloris + Resetters + InvalidUtf8 + OverLong);
        var sessions = Enumerable.Range(0, WellBehaved).Select(i => Guard("well-behaved", i, greeted.Slot(), greet => WellBehavedSession(i, greet, cancel))).ToList();
        var floods = Enumerable.Range(0, Flooders).Select(i => Guard("flood", i, null, _ => Flood(cancel))).ToList();
        var abuses = new List<Task>();
        abuses.AddRange(Enumerable.Range(0, Slowloris).Select(i => Guard("slowloris", i, greeted.Slot(), greet => SlowlorisSession(i, greet, cancel))));
        abuses.AddRange(Enumerable.Range(0, Resetters).Select(i => Guard("reset", i, greeted.Slot(), greet => ResetMidDelay(i, greet, cancel))));
        abuses.AddRange(Enumerable.Range(0, HalfOpen).Select(i => Guard("half-open", i, null, _ => HalfOpenSession(i, cancel))));
        abuses.AddRange(Enumerable.Range(0, InvalidUtf8).Select(i => Guard("invalid-utf8", i, greeted.Slot(), greet => InvalidUtf8Session(i, greet, cancel))));
        abuses.AddRange(Enumerable.Range(0, OverLong).Select(i => Guard("over-long", i, greeted.Slot(), greet => OverLongLine(greet, cancel))));

        // Everyone above holds a slot before the storm, so the storm cannot turn them away.
        await greeted.Reached.WaitAsync(cancel);
        var storm = await ConnectionStorm(baseline, cancel);
        await Task.WhenAll(sessions.Concat(abuses));

        // Half-open sockets are still held here, never read from: the server must close them itself.
        var flooding = await OpenConnectionsAtMost(Flooders, cancel);

        // The flooders never read: only closing their sockets ends them.
        foreach (var socket in _abusive)
            socket.Dispose();
        await Task.WhenAll(floods);

        var stats = await OpenConnectionsAtMost(0, cancel);
        await Guard("after the chaos", 0, null, greet => WellBehavedSession(-2, greet, cancel));
        var residualGrowth = ManagedBytes() - baseline;

        var replies = _replyMs.Order().ToArray();
        _output.WriteLine(
            $"clients: {WellBehaved} well-behaved; abusive: {Flooders} flood, {Slowloris} slowloris, {Resetters} reset, " +
            $"{HalfOpen} half-open, {InvalidUtf8} invalid UTF-8, {OverLong} over-long, storm of {Storm} " +
            $"({storm.Welcomed} welcomed, {storm.Busy} busy); open with only the flooders left: {flooding.Open}; server stats: {stats}");
        _output.WriteLine(
            $"replies: {replies.Length}, p50 {Percentile(replies, 0.5):F0} ms, p99 {Percentile(replies, 0.99):F0} ms, " +
            $"max {replies.LastOrDefault():F0} ms (delay {Delay.TotalMilliseconds} ms)");
        _output.WriteLine($"managed memory growth: peak {storm.PeakGrowth / 1024} KiB, after {residualGrowth / 1024} KiB");

        Assert.Empty(_failures);
        Assert.Equal(WellBehaved * 3, replies.Length - 6); // the warm-up and final sessions add 3 each
        Assert.InRange(replies[0], Delay.TotalMilliseconds - 10, double.MaxValue); // a 10 ms scheduler tick may round down
        Assert.InRange(replies[^1], 0, (Delay + Margin).TotalMilliseconds);
        Assert.Equal(Storm, storm.Welcomed + storm.Busy);
        Assert.InRange(storm.Busy, Storm - MaxConnections, Storm);
        Assert.True(stats.Rejected >= storm.Busy, $"the server counted {stats.Rejected} rejections, the storm saw {storm.Busy}");
        Assert.InRange(storm.PeakGrowth, long.MinValue, PeakGrowthBound);
        Assert.InRange(residualGrowth, long.MinValue, ResidualGrowthBound);
    }

    private async Task WellBehavedSession(int i, Action greeted, CancellationToken cancel)
    {
        await using var client = await LoopbackClient.ConnectAsync(_port, cancel);
        Expect("Welcome!", await client.ReadTextLineAsync(cancel));
        greeted();
        foreach (var name in new[] { $"Michael{i}", $"Zoë{i}", $"李雷{i}" })
        {
            var clock = Stopwatch.StartNew();
            await client.SendAsync(name + "\n", cancel);
            Expect($"Hello, {name}!", await client.ReadTextLineAsync(cancel));
            _replyMs.Add(clock.Elapsed.TotalMilliseconds);
        }

        await client.SendAsync("exit\n", cancel);
        Expect(true, await client.ReadsEndAsync(cancel), "closed after exit");
    }

    /// <summary>Writes lines as fast as TCP takes them and never reads; bounded by a byte cap.</summary>
    private async Task Flood(CancellationToken cancel)
    {
        var socket = await Connect(cancel);
        var block = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("x\n", 32 * 1024)));
        try
        {
            for (var sent = 0; sent < FloodCapBytes; sent += block.Length)
                await socket.SendAsync(block, SocketFlags.None, cancel);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The end of a flood is the test closing the socket under a send TCP held back.
        }
    }

    /// <summary>One byte every 100 ms: the line still reassembles and is answered.</summary>
    private async Task SlowlorisSession(int i, Action greeted, CancellationToken cancel)
    {
        await using var client = await LoopbackClient.ConnectAsync(_port, cancel);
        Expect("Welcome!", await client.ReadTextLineAsync(cancel));
        greeted();
        foreach (var b in Encoding.ASCII.GetBytes($"slow{i}\n"))
        {
            await client.SendAsync([b], cancel);
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancel);
        }

        Expect($"Hello, slow{i}!", await client.ReadTextLineAsync(cancel));
    }

    /// <summary>Sends a name, then resets the connection while the server is in its reply delay.</summary>
    private async Task ResetMidDelay(int i, Action greeted, CancellationToken cancel)
    {
        await using var client = await LoopbackClient.ConnectAsync(_port, cancel);
        Expect("Welcome!", await client.ReadTextLineAsync(cancel));
        greeted();
        await client.SendAsync($"reset{i}\n", cancel);
        // Linger 0: closing sends RST instead of FIN.
        client.Socket.LingerState = new LingerOption(true, 0);
    }

    /// <summary>Sends two names and its end of stream, then never reads; the server must still close it.</summary>
    private async Task HalfOpenSession(int i, CancellationToken cancel)
    {
        var socket = await Connect(cancel);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"half{i}\nhalf{i}\n"), SocketFlags.None, cancel);
        socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>Bytes that are not UTF-8 come back inside the reply unchanged.</summary>
    private async Task InvalidUtf8Session(int i, Action greeted, CancellationToken cancel)
    {
        await using var client = await LoopbackClient.ConnectAsync(_port, cancel);
        Expect("Welcome!", await client.ReadTextLineAsync(cancel));
        greeted();
        byte[] garbage = [0xFF, 0xFE, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xF4, 0x90, (byte)('0' + (i % 10))];
        await client.SendAsync([.. garbage, (byte)'\n'], cancel);
        var reply = await client.ReadLineAsync(cancel);
        Expect(Convert.ToHexString([.. "Hello, "u8, .. garbage, (byte)'!']), reply is null ? "end of stream" : Convert.ToHexString(reply));
        await client.SendAsync("exit\n", cancel);
        Expect(true, await client.ReadsEndAsync(cancel), "closed after exit");
    }

    /// <summary>A line past max-frame-bytes (1 KiB) gets the error and the connection is closed.</summary>
    private async Task OverLongLine(Action greeted, CancellationToken cancel)
    {
        await using var client = await LoopbackClient.ConnectAsync(_port, cancel);
        Expect("Welcome!", await client.ReadTextLineAsync(cancel));
        greeted();
        // Sent in one piece and read whole by the server, so its close leaves nothing unread (no RST).
        await client.SendAsync(Enumerable.Repeat((byte)'A', 1100).ToArray(), cancel);
        Expect("Error: line too long", await client.ReadTextLineAsync(cancel));
        Expect(true, await client.ReadsEndAsync(cancel), "closed after the error");
    }

    /// <summary>
    /// Opens <see cref="Storm"/> connections at once on top of everyone else; the peak is measured
    /// while they are all still open (every slot the server has is taken then).
    /// </summary>
    private async Task<(int Welcomed, int Busy, long PeakGrowth)> ConnectionStorm(long baseline, CancellationToken cancel)
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, Storm).Select(async _ =>
        {
            var client = await LoopbackClient.ConnectAsync(_port, cancel);
            return (Client: client, First: await client.ReadTextLineAsync(cancel));
        }));
        var peakGrowth = ManagedBytes() - baseline;
        foreach (var (client, _) in clients)
            await client.DisposeAsync();
        var unexpected = clients.Select(c => c.First).Where(f => f is not ("Welcome!" or "Server busy")).ToList();
        if (unexpected.Count > 0)
            _failures.Enqueue($"storm: {unexpected.Count} first lines were neither greeting nor busy: {unexpected[0] ?? "end of stream"}");
        return (clients.Count(c => c.First == "Welcome!"), clients.Count(c => c.First == "Server busy"), peakGrowth);
    }

    /// <summary>Polls the server's count until it is low enough; the test's deadline bounds the wait.</summary>
    private async Task<ServerStats> OpenConnectionsAtMost(int open, CancellationToken cancel)
    {
        while (true)
        {
            var stats = await _server.Ask<ServerStats>(GetServerStats.Instance, TimeSpan.FromSeconds(5), cancel);
            if (stats.Open <= open)
                return stats;
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancel);
        }
    }

    private async Task<Socket> Connect(CancellationToken cancel)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _abusive.Add(socket);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _port), cancel);
        return socket;
    }

    /// <summary>Records a client's failure; a client that fails before its greeting still counts as arrived.</summary>
    private async Task Guard(string kind, int i, Action? greeted, Func<Action, Task> client)
    {
        greeted ??= () => { };
        try
        {
            await client(greeted);
        }
        catch (Exception e)
        {
            _failures.Enqueue($"{kind} #{i}: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            greeted();
        }
    }

    private static void Expect<T>(T expected, T actual, string? what = null)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            throw new InvalidOperationException($"{what ?? "reply"}: expected {expected}, got {actual?.ToString() ?? "end of stream"}");
    }

    private static long ManagedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
