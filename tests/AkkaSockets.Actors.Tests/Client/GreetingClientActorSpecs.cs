using System.Net;
using System.Net.Sockets;
using Akka.TestKit.Xunit2;
using AkkaSockets.Actors.Client;
using AkkaSockets.Protocol.Framing;
using AkkaSockets.Actors.Transport;

namespace AkkaSockets.Actors.Tests.Client;

/// <summary>The session specs with the session actor owning its socket (the default).</summary>
public sealed class DirectTransportClientSpecs : GreetingClientActorSpecs
{
    protected override TransportKind Transport => TransportKind.Direct;
}

/// <summary>The same specs connecting through Akka.IO.</summary>
public sealed class AkkaIoTransportClientSpecs : GreetingClientActorSpecs
{
    protected override TransportKind Transport => TransportKind.AkkaIo;
}

public abstract class GreetingClientActorSpecs : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    protected abstract TransportKind Transport { get; }

    /// <summary>Connected, the welcome, the three tutorial replies in order, completed.</summary>
    private static void ExpectTheTutorialsSession(Akka.TestKit.TestProbe probe)
    {
        probe.ExpectMsg<SessionConnected>(Wait);
        probe.ExpectMsg<WelcomeReceived>(Wait).Text.ShouldBe("Welcome!");
        probe.ExpectMsg<ReplyReceived>(Wait).Text.ShouldBe("Hello, Michael!");
        probe.ExpectMsg<ReplyReceived>(Wait).Text.ShouldBe("Hello, Tracy!");
        probe.ExpectMsg<ReplyReceived>(Wait).Text.ShouldBe("Hello, Sarah!");
        probe.ExpectMsg<SessionCompleted>(Wait);
    }

    private ClientSession Session(int port, TimeSpan? timeout = null, bool reportEachStep = true) =>
        ClientTestKit.Session(port, timeout, reportEachStep: reportEachStep, transport: Transport);

    private ClientSession Session(EndPoint remote) => ClientTestKit.Session(remote, transport: Transport);

    [Fact]
    public void Against_the_project_server_it_reports_the_welcome_then_each_reply_in_order_then_completes()
    {
        var port = ClientTestKit.StartServer(Sys, TimeSpan.FromMilliseconds(50));
        var probe = CreateTestProbe();

        Sys.ActorOf(GreetingClientActor.Props(Session(port), 7, probe));

        probe.ExpectMsg<SessionConnected>(Wait).Session.ShouldBe(7);
        probe.ExpectMsg<WelcomeReceived>(Wait).Text.ShouldBe("Welcome!");
        var replies = Enumerable.Range(0, 3).Select(_ => probe.ExpectMsg<ReplyReceived>(Wait)).ToList();
        Assert.Equal(["Hello, Michael!", "Hello, Tracy!", "Hello, Sarah!"], replies.Select(r => r.Text));
        Assert.Equal([0, 1, 2], replies.Select(r => r.Index));
        // The server waits its reply delay before each reply, and latency covers that wait
        // (less one 10 ms scheduler tick, the server timer's resolution).
        Assert.All(replies, r => Assert.True(r.Latency >= TimeSpan.FromMilliseconds(40), $"latency {r.Latency}"));
        var completed = probe.ExpectMsg<SessionCompleted>(Wait);
        Assert.Equal(3, completed.LatencyMicros.Length);
        Assert.All(completed.LatencyMicros, us => Assert.True(us >= 40_000, $"{us} us"));
    }

    [Fact]
    public void In_line_framing_it_sends_names_as_lines_and_reports_replies_without_the_line_end()
    {
        var port = ClientTestKit.StartServer(Sys, TimeSpan.FromMilliseconds(20), framing: FramingMode.Line);
        var probe = CreateTestProbe();
        var session = new ClientSession(
            new IPEndPoint(IPAddress.Loopback, port),
            new GreetingScript(["Ada", "Grace"], FramingMode.Line),
            TimeSpan.FromSeconds(5),
            TimeSpan.FromSeconds(5),
            ReportEachStep: true,
            Transports.For(Transport));

        Sys.ActorOf(GreetingClientActor.Props(session, 1, probe));

        probe.ExpectMsg<SessionConnected>(Wait);
        probe.ExpectMsg<WelcomeReceived>(Wait).Text.ShouldBe("Welcome!");
        probe.ExpectMsg<ReplyReceived>(Wait).Text.ShouldBe("Hello, Ada!");
        probe.ExpectMsg<ReplyReceived>(Wait).Text.ShouldBe("Hello, Grace!");
        probe.ExpectMsg<SessionCompleted>(Wait);
    }

    [Fact]
    public async Task Replies_sent_one_byte_at_a_time_are_reported_only_once_whole()
    {
        await using var stub = StubServer.Start(async c =>
        {
            await c.SendByteByByteAsync("Welcome!");
            foreach (var name in ClientTestKit.TutorialNames)
            {
                var got = await c.ReceiveAsync(name);
                await c.SendByteByByteAsync($"Hello, {got}!");
            }

            await c.ReceiveAsync("exit");
        });
        var probe = CreateTestProbe();

        Sys.ActorOf(GreetingClientActor.Props(Session(stub.Port), 1, probe));

        ExpectTheTutorialsSession(probe);
        await stub.Served.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_welcome_merged_with_the_first_reply_in_one_write_is_split_into_both()
    {
        await using var stub = StubServer.Start(async c =>
        {
            // Sent ahead of the name, in one write: the client still sees two messages.
            await c.SendAsync("Welcome!Hello, Michael!");
            await c.ReceiveAsync("Michael");
            await c.ReceiveAsync("Tracy");
            await c.SendAsync("Hello, Tracy!Hel");
            await c.ReceiveAsync("Sarah");
            await c.SendAsync("lo, Sarah!");
            await c.ReceiveAsync("exit");
        });
        var probe = CreateTestProbe();

        Sys.ActorOf(GreetingClientActor.Props(Session(stub.Port), 1, probe));

        ExpectTheTutorialsSession(probe);
        await stub.Served.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_reply_that_differs_from_the_expected_bytes_fails_as_unexpected_reply()
    {
        await using var stub = StubServer.Start(async c =>
        {
            await c.SendAsync("Welcome!");
            await c.ReceiveAsync("Michael");
            await c.SendAsync("Hi, Michael!");
            await c.DrainUntilClosedAsync();
        });
        var probe = CreateTestProbe();

        Sys.ActorOf(GreetingClientActor.Props(Session(stub.Port), 1, probe));

        probe.ExpectMsg<SessionConnected>(Wait);
        probe.ExpectMsg<WelcomeReceived>(Wait);
        var failed = probe.ExpectMsg<SessionFailed>(Wait);
        Assert.Equal(SessionFailure.UnexpectedReply, failed.Cause);
        Assert.Contains("Hi, Michael!", failed.Detail, StringComparison.Ordinal);
        await stub.Served.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_server_that_closes_after_the_welcome_fails_the_session_as_closed_early()
    {
        await using var stub = StubServer.Start(async c =>
        {
            await c.SendAsync("Welcome!");
            await c.ReceiveAsync("Michael");
            c.Close();
        });
        var probe = CreateTestProbe();

        Sys.ActorOf(GreetingClientActor.Props(Session(stub.Port), 1, probe));

        probe.ExpectMsg<SessionConnected>(Wait);
        probe.ExpectMsg<WelcomeReceived>(Wait);
        var failed = probe.ExpectMsg<SessionFailed>(Wait);
        Assert.Equal(SessionFailure.ClosedEarly, failed.Cause);
        Assert.Contains("Michael", failed.Detail, StringComparison.Ordinal);
        Assert.True(failed.Connected);
        await stub.Served.WaitAsync(Wait);
    }

    [Fact]
    public void A_port_nobody_listens_on_fails_the_session_as_refused()
    {
        var probe = CreateTestProbe();

        using var closed = new ClosedPort();
        Sys.ActorOf(GreetingClientActor.Props(Session(closed.Port), 1, probe));

        var failed = probe.ExpectMsg<SessionFailed>(Wait);
        Assert.Equal(SessionFailure.Refused, failed.Cause);
        Assert.False(failed.Connected);
    }

    [Fact]
    public void A_host_name_that_does_not_resolve_fails_the_session_as_unknown_host()
    {
        var probe = CreateTestProbe();

        Sys.ActorOf(GreetingClientActor.Props(Session(new DnsEndPoint("no-such-host.invalid", 9999)), 1, probe));

        probe.ExpectMsg<SessionFailed>(Wait).Cause.ShouldBe(SessionFailure.UnknownHost);
    }

    [Fact]
    public async Task A_server_at_its_connection_limit_fails_the_session_as_server_busy()
    {
        var port = ClientTestKit.StartServer(Sys, TimeSpan.FromMilliseconds(50), maxConnections: 1);
        using var holder = new System.Net.Sockets.TcpClient();
        await holder.ConnectAsync(IPAddress.Loopback, port);
        // The held connection has its welcome: the server counts it before the next accept.
        await holder.GetStream().ReadExactlyAsync(new byte[8]).AsTask().WaitAsync(Wait);
        var probe = CreateTestProbe();

        Sys.ActorOf(GreetingClientActor.Props(Session(port), 1, probe));

        probe.ExpectMsg<SessionConnected>(Wait);
        probe.ExpectMsg<SessionFailed>(Wait).Cause.ShouldBe(SessionFailure.ServerBusy);
    }

    [Fact]
    public async Task A_connect_that_never_completes_fails_as_timeout_after_the_connect_timeout()
    {
        // A listener with a zero backlog and one connection it never accepts: the kernel drops
        // the next SYN (Linux), so that connect neither succeeds nor fails.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;
        using var filler = new TcpClient();
        await filler.ConnectAsync(endPoint).WaitAsync(Wait);
        var probe = CreateTestProbe();
        var session = Session(endPoint.Port) with { ConnectTimeout = TimeSpan.FromMilliseconds(300) };

        Sys.ActorOf(GreetingClientActor.Props(session, 1, probe));

        var failed = probe.ExpectMsg<SessionFailed>(Wait);
        Assert.Equal(SessionFailure.Timeout, failed.Cause);
        Assert.Contains("no connection within 300ms", failed.Detail, StringComparison.Ordinal);
        Assert.False(failed.Connected);
    }

    [Fact]
    public async Task A_session_stopped_while_connecting_leaves_no_connection_open()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var probe = CreateTestProbe();

        var session = Sys.ActorOf(GreetingClientActor.Props(Session(port), 1, probe));
        Sys.Stop(session);

        var first = probe.ExpectMsg<object>(Wait);
        var failed = first as SessionFailed ?? probe.ExpectMsg<SessionFailed>(Wait);
        Assert.Equal(SessionFailure.Cancelled, failed.Cause);

        // Whether the connect got as far as the listener depends on timing. A connection made
        // after the session's outcome marks the end of the backlog: anything accepted before it
        // is the session's and must end, not linger with a leaked socket.
        using var marker = new TcpClient();
        await marker.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Wait);
        var markerPort = ((IPEndPoint)marker.Client.LocalEndPoint!).Port;
        for (var i = 0; i < 2; i++)
        {
            using var accepted = await listener.AcceptSocketAsync().WaitAsync(Wait);
            if (((IPEndPoint)accepted.RemoteEndPoint!).Port == markerPort)
                return;
            await ReadUntilEndAsync(accepted).WaitAsync(Wait);
        }

        Assert.Fail("the marker connection was never accepted");
    }

    /// <summary>Completes when the peer closes or resets; the session never sends before the welcome.</summary>
    private static async Task ReadUntilEndAsync(Socket socket)
    {
        var buffer = new byte[64];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
            {
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // An abort: ended all the same.
        }
    }
}

internal static class ShouldExtensions
{
    public static void ShouldBe<T>(this T actual, T expected) => Assert.Equal(expected, actual);
}
