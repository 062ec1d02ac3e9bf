using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using AkkaSockets.Protocol.Framing;
using AkkaSockets.Actors.Server;
using AkkaSockets.Actors.Transport;
using Xunit.Abstractions;

namespace AkkaSockets.Actors.Tests.Server;

/// <summary>The loopback specs with each connection actor owning its socket (the default).</summary>
public sealed class DirectTransportLoopbackSpecs(ITestOutputHelper output) : GreetingServerLoopbackSpecs(output)
{
    protected override TransportKind Transport => TransportKind.Direct;
}

/// <summary>The same specs with Akka.IO's connection actor in front of each socket.</summary>
public sealed class AkkaIoTransportLoopbackSpecs(ITestOutputHelper output) : GreetingServerLoopbackSpecs(output)
{
    protected override TransportKind Transport => TransportKind.AkkaIo;
}

/// <summary>
/// The listener and its connections over real sockets on loopback, port 0, real time (Akka.IO
/// needs it) and a short reply delay. Every wait is for bytes or an answer, bounded by a deadline.
/// </summary>
public abstract class GreetingServerLoopbackSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    protected GreetingServerLoopbackSpecs(ITestOutputHelper output)
        : base("akka.loglevel = WARNING", output)
    {
    }

    [Fact]
    public async Task In_chunk_mode_a_client_is_greeted_and_each_message_answered_like_the_tutorial()
    {
        var (_, endPoint) = await StartServerAsync(Settings());
        using var client = await LoopbackClient.ConnectAsync(endPoint);

        await client.ExpectAsync("Welcome!");
        foreach (var name in new[] { "Michael", "Tracy", "Sarah" })
        {
            await client.SendAsync(name);
            await client.ExpectAsync($"Hello, {name}!");
        }

        await client.SendAsync("exit");
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task In_chunk_mode_nc_style_input_has_its_line_end_removed_and_exit_newline_closes()
    {
        var (_, endPoint) = await StartServerAsync(Settings());
        using var client = await LoopbackClient.ConnectAsync(endPoint);
        await client.ExpectAsync("Welcome!");

        await client.SendAsync("Michael\r\n");
        await client.ExpectAsync("Hello, Michael!");
        await client.SendAsync("exit\n");

        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task In_line_mode_split_and_merged_lines_are_answered_in_order()
    {
        var (_, endPoint) = await StartServerAsync(Settings() with { Framing = FramingMode.Line });
        using var client = await LoopbackClient.ConnectAsync(endPoint);
        await client.ExpectAsync("Welcome!\r\n");

        await client.SendAsync("Mich");
        await client.SendAsync("ael\r\nTra");
        await client.ExpectAsync("Hello, Michael!\r\n");
        await client.SendAsync("cy\nSarah\nexit\n");

        await client.ExpectAsync("Hello, Tracy!\r\nHello, Sarah!\r\n");
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task In_line_mode_an_over_long_line_is_refused_and_the_connection_closed()
    {
        var (_, endPoint) = await StartServerAsync(Settings() with { Framing = FramingMode.Line });
        using var client = await LoopbackClient.ConnectAsync(endPoint);
        await client.ExpectAsync("Welcome!\r\n");

        await client.SendAsync("ok\n" + new string('x', 1025) + "\n");

        await client.ExpectAsync("Hello, ok!\r\nError: line too long\r\n");
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task Invalid_utf8_and_nul_bytes_come_back_byte_for_byte()
    {
        var (_, endPoint) = await StartServerAsync(Settings());
        using var client = await LoopbackClient.ConnectAsync(endPoint);
        await client.ExpectAsync("Welcome!");
        byte[] message = [0xFF, 0xFE, 0x00, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0x00, 0xF0, 0x9F];

        await client.SendAsync(message);
        await client.ExpectAsync([.. "Hello, "u8, .. message, .. "!"u8]);

        // The connection is still alive and well after the bad bytes.
        await client.SendAsync("Sarah");
        await client.ExpectAsync("Hello, Sarah!");
    }

    [Fact]
    public async Task A_client_that_half_closes_gets_its_replies_then_the_close_one_delay_later()
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(ClientClosed));
        var (_, endPoint) = await StartServerAsync(Settings());
        using var client = await LoopbackClient.ConnectAsync(endPoint);
        await client.ExpectAsync("Welcome!");

        var sent = DateTime.UtcNow;
        await client.SendAsync("Michael");
        client.ShutdownSend();

        await client.ExpectAsync("Hello, Michael!");
        await client.ExpectClosedAsync();
        // One delay for the reply and one more before the close, as the tutorial's loop does.
        Assert.True(DateTime.UtcNow - sent >= 2 * Delay - TimeSpan.FromMilliseconds(20), "closed before the extra delay");
        var closed = await events.ExpectMsgAsync<ClientClosed>();
        Assert.Equal(CloseReason.PeerClosed, closed.Reason);
    }

    [Fact]
    public async Task A_client_that_resets_mid_delay_ends_its_connection_at_once()
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(ClientClosed));
        var (server, endPoint) = await StartServerAsync(Settings() with { ReplyDelay = TimeSpan.FromSeconds(30) });
        using var client = await LoopbackClient.ConnectAsync(endPoint);
        await client.ExpectAsync("Welcome!");
        await client.SendAsync("Michael");

        client.Reset();

        var closed = await events.ExpectMsgAsync<ClientClosed>(TimeSpan.FromSeconds(5));
        Assert.Equal(CloseReason.Reset, closed.Reason);
        await AwaitAssertAsync(
            async () => Assert.Equal(0, (await server.Ask<ServerStats>(GetServerStats.Instance, AskTimeout)).Open),
            AskTimeout);
    }

    [Fact]
    public async Task A_drain_that_outlasts_the_drain_timeout_cuts_the_connections_still_open()
    {
        var settings = Settings() with
        {
            Framing = FramingMode.Line,
            // The reply to "two" is due 2 s after the one to "one": the 200 ms drain timeout
            // comes first even on a machine that stalls for a second.
            ReplyDelay = TimeSpan.FromSeconds(2),
            DrainTimeout = TimeSpan.FromMilliseconds(200),
        };
        var (server, endPoint) = await StartServerAsync(settings);
        using var client = await LoopbackClient.ConnectAsync(endPoint);
        await client.ExpectAsync("Welcome!\r\n");
        await client.SendAsync("one\ntwo\n");
        await client.ExpectAsync("Hello, one!\r\n");

        var drained = await server.Ask<ConnectionsDrained>(DrainConnections.Instance, AskTimeout);

        Assert.Equal(1, drained.Aborted);
        await client.ExpectClosedOrResetAsync();
    }

    [Fact]
    public async Task A_client_over_max_connections_gets_server_busy_and_the_listener_keeps_serving()
    {
        var (server, endPoint) = await StartServerAsync(Settings() with { MaxConnections = 1 });
        using var first = await LoopbackClient.ConnectAsync(endPoint);
        await first.ExpectAsync("Welcome!");

        using (var second = await LoopbackClient.ConnectAsync(endPoint))
        {
            await second.ExpectAsync("Server busy");
            await second.ExpectClosedAsync();
        }

        await first.SendAsync("Michael");
        await first.ExpectAsync("Hello, Michael!");
        await first.SendAsync("exit");
        await first.ExpectClosedAsync();

        await AwaitAssertAsync(
            async () => Assert.Equal(0, (await server.Ask<ServerStats>(GetServerStats.Instance, AskTimeout)).Open),
            AskTimeout);
        using var third = await LoopbackClient.ConnectAsync(endPoint);
        await third.ExpectAsync("Welcome!");
        var stats = await server.Ask<ServerStats>(GetServerStats.Instance, AskTimeout);
        Assert.Equal(2, stats.Accepted);
        Assert.Equal(1, stats.Rejected);
    }

    [Fact]
    public async Task On_shutdown_every_message_already_received_is_answered_and_new_connections_are_refused()
    {
        // A long delay keeps the messages waiting while the server stops; line framing makes
        // "the server has read them all" observable: the first reply proves the read happened.
        var settings = Settings() with { Framing = FramingMode.Line, ReplyDelay = TimeSpan.FromMilliseconds(300) };
        var (server, endPoint) = await StartServerAsync(settings);
        var clients = new List<LoopbackClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = await LoopbackClient.ConnectAsync(endPoint);
                clients.Add(client);
                await client.ExpectAsync("Welcome!\r\n");
                await client.SendAsync($"one{i}\ntwo{i}\nthree{i}\n");
            }

            for (var i = 0; i < clients.Count; i++)
                await clients[i].ExpectAsync($"Hello, one{i}!\r\n");

            await server.Ask<AcceptingStopped>(StopAccepting.Instance, AskTimeout);
            // The listening socket must outlive the connections Akka.IO keeps under it, so a
            // newcomer during the drain is refused by the server rather than by the kernel.
            using (var late = await LoopbackClient.ConnectAsync(endPoint))
            {
                await late.ExpectAsync("Server busy\r\n");
                await late.ExpectClosedAsync();
            }

            var drained = await server.Ask<ConnectionsDrained>(DrainConnections.Instance, AskTimeout);
            Assert.Equal(0, drained.Aborted);
            for (var i = 0; i < clients.Count; i++)
            {
                await clients[i].ExpectAsync($"Hello, two{i}!\r\nHello, three{i}!\r\n");
                await clients[i].ExpectClosedAsync();
            }

            // Drained: the listening socket is closed, the kernel refuses.
            var refused = await Assert.ThrowsAsync<SocketException>(() => LoopbackClient.ConnectAsync(endPoint));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_client_that_floods_without_reading_is_pushed_back_while_a_fresh_client_is_answered()
    {
        var (_, endPoint) = await StartServerAsync(Settings());
        using var flooder = await LoopbackClient.ConnectAsync(endPoint);
        await flooder.ExpectAsync("Welcome!");

        // Far more than the kernel buffers on both sides can hold: only a server that keeps
        // reading without bound could take it all.
        using var stop = new CancellationTokenSource();
        var flood = flooder.SendAsync(new byte[64 * 1024 * 1024], stop.Token);

        using var fresh = await LoopbackClient.ConnectAsync(endPoint);
        await fresh.ExpectAsync("Welcome!");
        var started = DateTime.UtcNow;
        await fresh.SendAsync("Michael");
        await fresh.ExpectAsync("Hello, Michael!", TimeSpan.FromSeconds(5));
        Assert.InRange(DateTime.UtcNow - started, Delay - TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(3));

        Assert.False(flood.IsCompleted, "the server took a 64 MiB flood from a client that never reads");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => flood);
    }

    [Fact]
    public async Task A_dual_stack_listener_on_the_ipv6_any_address_accepts_an_ipv4_client()
    {
        Ipv6Loopback.Require();
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(ClientAccepted));
        var (_, endPoint) = await StartServerAsync(Settings(), new IPEndPoint(IPAddress.IPv6Any, 0));

        using var client = await LoopbackClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, endPoint.Port));

        await client.ExpectAsync("Welcome!");
        var accepted = await events.ExpectMsgAsync<ClientAccepted>();
        Assert.Equal($"127.0.0.1:{client.LocalEndPoint.Port}", EndPoints.Format(accepted.Remote));
        await client.SendAsync("Michael");
        await client.ExpectAsync("Hello, Michael!");
    }

    [Fact]
    public async Task An_ipv6_loopback_listener_serves_an_ipv6_client_and_reports_it_in_brackets()
    {
        Ipv6Loopback.Require();
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(ClientAccepted));
        var (_, endPoint) = await StartServerAsync(Settings(), new IPEndPoint(IPAddress.IPv6Loopback, 0));

        using var client = await LoopbackClient.ConnectAsync(endPoint);

        await client.ExpectAsync("Welcome!");
        var accepted = await events.ExpectMsgAsync<ClientAccepted>();
        Assert.Equal($"[::1]:{client.LocalEndPoint.Port}", EndPoints.Format(accepted.Remote));
    }

    [Fact]
    public async Task Binding_a_port_in_use_answers_bind_failed_with_address_already_in_use()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var server = Sys.ActorOf(GreetingServerActor.Props(Settings(), new IPEndPoint(IPAddress.Loopback, port)));

        var result = await server.Ask<object>(AwaitBound.Instance, AskTimeout);

        var failed = Assert.IsType<BindFailed>(result);
        Assert.Equal("address already in use", failed.Reason);
    }

    [Fact]
    public async Task A_client_that_stops_reading_stops_the_server_taking_its_messages_and_none_is_lost_when_it_reads_again()
    {
        var (_, endPoint) = await StartServerAsync(Settings() with { ReplyDelay = TimeSpan.Zero, Framing = FramingMode.Line, MaxPendingMessages = 4 });
        using var client = await LoopbackClient.ConnectAsync(endPoint, receiveBuffer: 16 * 1024);
        await client.ExpectAsync("Welcome!\r\n");

        var (lines, finishing) = SendUntilTheServerStopsReading(client, BackpressureLine, BackpressureLineBytes);

        // Reading again, every message sent is answered, in order.
        for (var i = 0; i < lines; i++)
            await client.ExpectAsync(BackpressureReply(i));
        await finishing;
    }

    [Fact]
    public async Task In_chunk_mode_where_each_read_is_one_message_only_the_wait_for_each_write_stops_the_server_reading_and_none_is_lost()
    {
        // A read of at most max-frame-bytes is one message, so every read adds one message and
        // every reply takes one off: the queue never reaches its bound unless the connection waits
        // for each write to be taken by the kernel before it writes the next.
        var settings = Settings() with
        {
            ReplyDelay = TimeSpan.Zero,
            MaxFrameBytes = ChunkMessage,
            ReadBytes = ChunkMessage,
            MaxPendingMessages = 4,
        };
        var (_, endPoint) = await StartServerAsync(settings);
        using var client = await LoopbackClient.ConnectAsync(endPoint, receiveBuffer: 16 * 1024);
        await client.ExpectAsync("Welcome!");

        var (messages, finishing) = SendUntilTheServerStopsReading(client, ChunkMessage, ChunkMessageBytes);

        // However the server's reads cut the stream, the replies carry it all, in order.
        var expected = Enumerable.Range(0, messages).SelectMany(ChunkMessageBytes).ToArray();
        var answered = await ReadChunkRepliesAsync(client, expected.Length);
        await finishing;
        Assert.True(
            expected.AsSpan().SequenceEqual(answered),
            $"the replies carried {answered.Length} bytes that differ from the {expected.Length} sent from byte {expected.AsSpan().CommonPrefixLength(answered)} on");
        await client.SendAsync("exit");
        await client.ExpectClosedAsync();
    }

    /// <summary>
    /// Not reading a byte, the client sends messages until the kernel takes no more for a while,
    /// which must come before more than the kernel's buffers can hold went in. Returns how many
    /// messages are sent once the rest of one cut short is sent too (that send still running).
    /// </summary>
    private static (int Messages, Task Finishing) SendUntilTheServerStopsReading(LoopbackClient client, int messageBytes, Func<int, byte[]> message)
    {
        client.Socket.SendBufferSize = 64 * 1024;
        var budget = KernelBufferBudget(messageBytes);

        var (sent, remainder) = SendUntilStalled(client.Socket, budget, message);

        Assert.True(
            sent < budget,
            $"all {budget} messages ({(long)budget * messageBytes / (1024 * 1024)} MiB) went in while the client read nothing: the server is buffering replies instead of waiting for each write to be taken");
        return (sent + (remainder.Length > 0 ? 1 : 0), client.SendAsync(remainder));
    }

    /// <summary>Reads <c>Hello, PIECE!</c> replies until the pieces add up to <paramref name="length"/> bytes; returns the pieces joined.</summary>
    private static async Task<byte[]> ReadChunkRepliesAsync(LoopbackClient client, int length)
    {
        const string Prefix = "Hello, ";
        var pieces = new List<byte>(length);
        var matched = 0; // of the prefix; Prefix.Length once inside a piece
        while (pieces.Count < length)
        {
            string text;
            try
            {
                text = await client.ReadSomeAsync();
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out after {pieces.Count} of {length} bytes came back");
                throw;
            }

            Assert.True(text.Length > 0, $"the server closed after {pieces.Count} of {length} bytes came back");
            foreach (var c in text)
            {
                if (matched < Prefix.Length)
                {
                    Assert.True(c == Prefix[matched], $"a reply did not start with '{Prefix}' after {pieces.Count} bytes came back");
                    matched++;
                }
                else if (c == '!')
                {
                    matched = 0;
                }
                else
                {
                    pieces.Add((byte)c);
                }
            }
        }

        return [.. pieces];
    }

    private const int ChunkMessage = 1024;

    // Digits and x only: never '!', never "exit".
    private static byte[] ChunkMessageBytes(int i) =>
        System.Text.Encoding.ASCII.GetBytes($"{i:D9}".PadRight(ChunkMessage, 'x'));

    private const int BackpressureLine = 1000;

    private static byte[] BackpressureLineBytes(int i) =>
        System.Text.Encoding.ASCII.GetBytes($"{i:D9}".PadRight(BackpressureLine - 1, 'x') + "\n");

    private static string BackpressureReply(int i) => $"Hello, {$"{i:D9}".PadRight(BackpressureLine - 1, 'x')}!\r\n";

    /// <summary>
    /// More messages of <paramref name="messageBytes"/> than the kernel can hold between a client
    /// that does not read and a server that stopped reading: twice the send and receive buffer
    /// ceilings of this host.
    /// </summary>
    private static int KernelBufferBudget(int messageBytes)
    {
        static long Ceiling(string file, long fallback) =>
            File.Exists(file) && long.TryParse(File.ReadAllText(file).Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).LastOrDefault(), out var max)
                ? max
                : fallback;
        var bytes = 2 * (Ceiling("/proc/sys/net/ipv4/tcp_rmem", 32L << 20) + Ceiling("/proc/sys/net/ipv4/tcp_wmem", 32L << 20)) + (1 << 20);
        return (int)Math.Min(bytes / messageBytes, 200_000);
    }

    /// <summary>Sends messages without blocking until the socket has had no room for a while; returns the whole messages sent and the unsent rest of one cut short.</summary>
    private static (int Sent, byte[] Remainder) SendUntilStalled(Socket socket, int budget, Func<int, byte[]> message)
    {
        var stall = TimeSpan.FromMilliseconds(500);
        socket.Blocking = false;
        try
        {
            for (var i = 0; i < budget; i++)
            {
                var line = message(i);
                var offset = 0;
                while (offset < line.Length)
                {
                    if (!socket.Poll(stall, SelectMode.SelectWrite))
                        return offset == 0 ? (i, []) : (i, line[offset..]);
                    offset += Math.Max(0, socket.Send(line, offset, line.Length - offset, SocketFlags.None, out _));
                }
            }

            return (budget, []);
        }
        finally
        {
            socket.Blocking = true;
        }
    }

    protected abstract TransportKind Transport { get; }

    private ServerSettings Settings() => ServerSettings.Default with
    {
        Transport = Transport,
        ReplyDelay = Delay,
        Framing = FramingMode.Chunk,
        IdleTimeout = null,
    };

    private async Task<(IActorRef Server, IPEndPoint EndPoint)> StartServerAsync(ServerSettings settings, IPEndPoint? bindAddress = null)
    {
        var server = Sys.ActorOf(GreetingServerActor.Props(settings, bindAddress ?? new IPEndPoint(IPAddress.Loopback, 0)));
        var result = await server.Ask<object>(AwaitBound.Instance, AskTimeout);
        var bound = Assert.IsType<ServerBound>(result);
        var local = Assert.IsType<IPEndPoint>(bound.LocalAddress);
        Assert.NotEqual(0, local.Port);
        var address = local.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : local.Address;
        return (server, new IPEndPoint(address, local.Port));
    }
}
