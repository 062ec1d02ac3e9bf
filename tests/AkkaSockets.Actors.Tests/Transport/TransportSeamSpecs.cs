using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Transport;
using Xunit.Abstractions;

namespace AkkaSockets.Actors.Tests.Transport;

/// <summary>
/// The seam every actor above Transport/ relies on, run over both transports: a listener hands
/// over ports, a rejected client reads the bytes and the end, a connect completes to a port or a
/// failure. Real sockets on loopback port 0; every wait is bounded.
/// </summary>
public sealed class TransportSeamSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = SocketPair.Patience;
    private const int ReadBytes = 1024;

    public TransportSeamSpecs(ITestOutputHelper output)
        : base("akka.loglevel = WARNING", output)
    {
    }

    [Fact]
    public void The_factory_gives_each_kind_its_transport_and_says_whose_connections_outlive_the_listener()
    {
        var direct = Transports.For(TransportKind.Direct);
        var akkaIo = Transports.For(TransportKind.AkkaIo);

        Assert.NotSame(direct, akkaIo);
        Assert.Same(direct, Transports.For(TransportKind.Direct));
        Assert.True(direct.ConnectionsOutliveListener);
        Assert.False(akkaIo.ConnectionsOutliveListener);
        Assert.Throws<ArgumentOutOfRangeException>(() => Transports.For((TransportKind)99));
    }

    [Theory]
    [InlineData(TransportKind.Direct)]
    [InlineData(TransportKind.AkkaIo)]
    public async Task A_listener_hands_each_client_over_as_ConnectionAccepted_with_a_port_that_reads_and_writes(TransportKind kind)
    {
        var (_, client, accepted) = await AcceptOneAsync(kind, CreateTestProbe());
        using var _ = client;

        var events = CreateTestProbe();
        accepted.Port.Register(events.Ref, keepOpenOnPeerClosed: true);
        accepted.Port.ResumeReading();
        await client.SendAsync("ping"u8.ToArray(), SocketFlags.None);
        Assert.Equal("ping", Encoding.ASCII.GetString((await events.ExpectMsgAsync<Tcp.Received>(Patience)).Data.ToArray()));

        accepted.Port.Write("pong"u8.ToArray(), ack: null);
        Assert.Equal("pong", await ReadToEndOrCountAsync(client, 4));
        accepted.Port.Abort();
    }

    [Theory]
    [InlineData(TransportKind.Direct)]
    [InlineData(TransportKind.AkkaIo)]
    public async Task Rejecting_an_accepted_client_sends_it_the_bytes_and_then_the_end_of_stream(TransportKind kind)
    {
        var handler = CreateTestProbe();
        var (bound, client, accepted) = await AcceptOneAsync(kind, handler);
        using var _ = client;

        accepted.Port.Reject("Server busy"u8.ToArray());

        Assert.Equal("Server busy", await ReadToEndOrCountAsync(client, int.MaxValue));
        // The listener is unharmed: the next client is accepted too.
        using var next = await SocketListenerActorSpecs.ConnectAsync(bound);
        Assert.Equal(next.LocalEndPoint, (await handler.ExpectMsgAsync<ConnectionAccepted>(Patience)).Remote);
    }

    [Fact]
    public void Only_an_accepted_Akka_IO_connection_can_be_rejected()
    {
        var port = new AkkaIoPort(CreateTestProbe().Ref);

        Assert.Throws<InvalidOperationException>(() => port.Reject("Server busy"u8.ToArray()));
    }

    [Theory]
    [InlineData(TransportKind.Direct)]
    [InlineData(TransportKind.AkkaIo)]
    public async Task A_connect_completes_to_a_port_that_pushes_what_the_server_sends(TransportKind kind)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        server.Listen(4);
        var owner = CreateTestProbe();

        var connect = Transports.For(kind).Connect(Sys, server.LocalEndPoint!, owner.Ref, ReadBytes);
        var answer = await owner.ExpectMsgAsync<object>(Patience);
        Assert.False(connect.TryComplete("something else", owner.Ref, out _));
        Assert.True(connect.TryComplete(answer, owner.LastSender, out var outcome));

        Assert.Null(outcome.Failure);
        // Akka.IO reports an IPv4 peer as IPv4-mapped IPv6; printed, both are the same address.
        Assert.Equal(EndPoints.Format(server.LocalEndPoint!), EndPoints.Format(Assert.IsAssignableFrom<EndPoint>(outcome.Remote)));
        using var accepted = await server.AcceptAsync();
        var port = Assert.IsAssignableFrom<IConnectionPort>(outcome.Port);
        port.Register(owner.Ref, keepOpenOnPeerClosed: false);
        await accepted.SendAsync("Welcome!"u8.ToArray(), SocketFlags.None);
        Assert.Equal("Welcome!", Encoding.ASCII.GetString((await owner.ExpectMsgAsync<Tcp.Received>(Patience)).Data.ToArray()));
        port.Abort();
    }

    [Theory]
    [InlineData(TransportKind.Direct)]
    [InlineData(TransportKind.AkkaIo)]
    public async Task A_connect_to_a_closed_port_completes_to_a_failure_the_client_reads_as_refused(TransportKind kind)
    {
        var owner = CreateTestProbe();
        var closed = new IPEndPoint(IPAddress.Loopback, ClosedPort());

        var connect = Transports.For(kind).Connect(Sys, closed, owner.Ref, ReadBytes);
        var answer = await owner.ExpectMsgAsync<object>(Patience);
        Assert.True(connect.TryComplete(answer, owner.LastSender, out var outcome));

        Assert.Null(outcome.Port);
        Assert.Equal(SessionFailure.Refused, GreetingClientActor.ClassifyConnectFailure(outcome.Failure));
    }

    [Fact]
    public async Task The_Akka_IO_listener_answers_Unbind_with_Unbound_and_stops()
    {
        var handler = CreateTestProbe();
        var listener = Sys.ActorOf(Transports.For(TransportKind.AkkaIo).Listener(handler.Ref, new IPEndPoint(IPAddress.Loopback, 0), 16, ReadBytes));
        await handler.ExpectMsgAsync<Tcp.Bound>(Patience);
        Watch(listener);

        listener.Tell(Tcp.Unbind.Instance);

        await handler.ExpectMsgAsync<Tcp.Unbound>(Patience);
        await ExpectTerminatedAsync(listener, Patience);
    }

    [Fact]
    public async Task When_Akka_IO_s_own_listener_dies_ours_stops_so_its_watcher_can_bind_again()
    {
        var handler = CreateTestProbe();
        var listener = Sys.ActorOf(Transports.For(TransportKind.AkkaIo).Listener(handler.Ref, new IPEndPoint(IPAddress.Loopback, 0), 16, ReadBytes));
        await handler.ExpectMsgAsync<Tcp.Bound>(Patience);
        // The handler hears Bound from ours, the actor it should watch, not from Akka.IO's.
        Assert.Equal(listener, handler.LastSender);
        var akkaIoListener = (await Sys.ActorSelection("/system/IO-TCP/*").Ask<ActorIdentity>(new Identify(null), Patience)).Subject;
        Assert.NotNull(akkaIoListener);
        Watch(listener);

        akkaIoListener.Tell(Kill.Instance);

        await ExpectTerminatedAsync(listener, Patience);
    }

    [Fact]
    public async Task A_bind_that_fails_is_reported_as_CommandFailed_on_either_transport_and_the_listener_stops()
    {
        var handler = CreateTestProbe();
        var bound = await ListenAsync(TransportKind.Direct, handler);

        foreach (var kind in new[] { TransportKind.Direct, TransportKind.AkkaIo })
        {
            var second = Sys.ActorOf(Transports.For(kind).Listener(handler.Ref, bound, 16, ReadBytes));
            Watch(second);
            var failed = await handler.ExpectMsgAsync<Tcp.CommandFailed>(Patience);
            Assert.IsType<Tcp.Bind>(failed.Cmd);
            await ExpectTerminatedAsync(second, Patience);
        }
    }

    private async Task<IPEndPoint> ListenAsync(TransportKind kind, TestProbe handler)
    {
        Sys.ActorOf(Transports.For(kind).Listener(handler.Ref, new IPEndPoint(IPAddress.Loopback, 0), 16, ReadBytes));
        var bound = await handler.ExpectMsgAsync<Tcp.Bound>(Patience);
        return Assert.IsType<IPEndPoint>(bound.LocalAddress);
    }

    /// <summary>Listens on a free port, connects one plain client and takes its <see cref="ConnectionAccepted"/>.</summary>
    private async Task<(IPEndPoint Bound, Socket Client, ConnectionAccepted Accepted)> AcceptOneAsync(TransportKind kind, TestProbe handler)
    {
        var bound = await ListenAsync(kind, handler);
        var client = await SocketListenerActorSpecs.ConnectAsync(bound);
        var accepted = await handler.ExpectMsgAsync<ConnectionAccepted>(Patience);
        Assert.Equal(client.LocalEndPoint, accepted.Remote);
        return (bound, client, accepted);
    }

    /// <summary>Reads until <paramref name="count"/> bytes or the end of stream, bounded by <see cref="Patience"/>.</summary>
    private static async Task<string> ReadToEndOrCountAsync(Socket socket, int count)
    {
        using var cts = new CancellationTokenSource(Patience);
        var received = new List<byte>();
        var buffer = new byte[256];
        while (received.Count < count)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0)
                break;
            received.AddRange(buffer.AsSpan(0, n));
        }

        return Encoding.ASCII.GetString([.. received]);
    }

    private static int ClosedPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
