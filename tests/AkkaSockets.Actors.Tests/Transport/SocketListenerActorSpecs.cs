using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using AkkaSockets.Actors.Tests.Support;
using AkkaSockets.Actors.Transport;
using Xunit.Abstractions;

namespace AkkaSockets.Actors.Tests.Transport;

/// <summary>
/// <see cref="SocketListenerActor"/> on loopback port 0 with a test probe as the Bind's handler
/// and plain sockets as clients. Every wait is bounded.
/// </summary>
public sealed class SocketListenerActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = SocketPair.Patience;
    private const int ReadBytes = 1024;

    public SocketListenerActorSpecs(ITestOutputHelper output)
        : base("akka.loglevel = WARNING", output)
    {
    }

    [Fact]
    public async Task Binding_port_zero_reports_Bound_with_the_real_port()
    {
        var handler = CreateTestProbe();

        var (_, bound) = await BindAsync(handler, new IPEndPoint(IPAddress.Loopback, 0));

        Assert.Equal(IPAddress.Loopback, bound.Address);
        Assert.NotEqual(0, bound.Port);
        using var client = await ConnectAsync(bound);
        var accepted = await handler.ExpectMsgAsync<ConnectionAccepted>(Patience);
        using var port = Assert.IsType<SocketPort>(accepted.Port);
        Assert.Equal(client.LocalEndPoint, accepted.Remote);
    }

    [Fact]
    public async Task Binding_a_port_already_bound_answers_CommandFailed_and_stops_leaving_the_first_listener_serving()
    {
        var handler = CreateTestProbe();
        var (_, bound) = await BindAsync(handler, new IPEndPoint(IPAddress.Loopback, 0));
        var second = new Tcp.Bind(handler.Ref, bound);

        var listener = Sys.ActorOf(SocketListenerActor.Props(second, ReadBytes));
        Watch(listener);

        var failed = await handler.ExpectMsgAsync<Tcp.CommandFailed>(Patience);
        Assert.Same(second, failed.Cmd);
        await ExpectTerminatedAsync(listener, Patience);
        using var client = await ConnectAsync(bound);
        using var accepted = await AcceptedAsync(handler);
    }

    [Fact]
    public async Task Each_accepted_connection_reaches_the_handler_as_ConnectionAccepted_with_a_working_port()
    {
        var handler = CreateTestProbe();
        var (_, bound) = await BindAsync(handler, new IPEndPoint(IPAddress.Loopback, 0));

        using var first = await ConnectAsync(bound);
        using var second = await ConnectAsync(bound);
        using var third = await ConnectAsync(bound);

        var accepted = new List<ConnectionAccepted>();
        for (var i = 0; i < 3; i++)
            accepted.Add(await handler.ExpectMsgAsync<ConnectionAccepted>(Patience));
        try
        {
            Assert.Equal(
                new[] { first, second, third }.Select(c => c.LocalEndPoint!).ToHashSet(),
                accepted.Select(a => a.Remote).ToHashSet());

            // The accepted port is the server's end of that very client's connection.
            var forFirst = accepted.Single(a => a.Remote.Equals(first.LocalEndPoint)).Port;
            forFirst.Register(CreateTestProbe().Ref, keepOpenOnPeerClosed: true);
            forFirst.Write("hello"u8.ToArray(), ack: null);
            using var cts = new CancellationTokenSource(Patience);
            var buffer = new byte[5];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await first.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cts.Token);
                Assert.NotEqual(0, n);
                read += n;
            }

            Assert.Equal("hello"u8.ToArray(), buffer);
        }
        finally
        {
            foreach (var a in accepted)
                a.Port.Abort();
        }
    }

    [Fact]
    public async Task Unbind_answers_Unbound_stops_the_listener_refuses_new_connections_and_leaves_accepted_ones_open()
    {
        var handler = CreateTestProbe();
        var (listener, bound) = await BindAsync(handler, new IPEndPoint(IPAddress.Loopback, 0));
        using var client = await ConnectAsync(bound);
        using var accepted = await AcceptedAsync(handler);
        accepted.Register(CreateTestProbe().Ref, keepOpenOnPeerClosed: true);
        var unbinder = CreateTestProbe();
        Watch(listener);

        listener.Tell(Tcp.Unbind.Instance, unbinder.Ref);

        await unbinder.ExpectMsgAsync<Tcp.Unbound>(Patience);
        await ExpectTerminatedAsync(listener, Patience);
        var refused = await Assert.ThrowsAsync<SocketException>(async () => (await ConnectAsync(bound)).Dispose());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        accepted.Write("still open"u8.ToArray(), ack: null);
        using var cts = new CancellationTokenSource(Patience);
        var buffer = new byte[10];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await client.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cts.Token);
            Assert.NotEqual(0, n);
            read += n;
        }

        Assert.Equal("still open"u8.ToArray(), buffer);
        await handler.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task With_an_accept_policy_an_admitted_client_is_welcomed_before_anyone_takes_it_over()
    {
        var handler = CreateTestProbe();
        var policy = new AdmitFirst(1);
        var (_, bound) = await BindAsync(handler, new IPEndPoint(IPAddress.Loopback, 0), policy);

        await using var client = await LoopbackClient.ConnectAsync(bound);

        // Nobody has registered the port yet: the listener wrote this itself.
        await client.ExpectAsync("Welcome!");
        var accepted = await handler.ExpectMsgAsync<ConnectionAccepted>(Patience);
        using var port = Assert.IsType<SocketPort>(accepted.Port);
        Assert.True(accepted.Admitted);
        Assert.Equal(client.LocalEndPoint, accepted.Remote);
        Assert.Equal(1, policy.Admitted);
    }

    [Fact]
    public async Task With_an_accept_policy_a_refused_client_gets_the_busy_line_and_the_close_and_the_handler_never_hears_of_it()
    {
        var handler = CreateTestProbe();
        var policy = new AdmitFirst(0);
        var (_, bound) = await BindAsync(handler, new IPEndPoint(IPAddress.Loopback, 0), policy);

        await using var client = await LoopbackClient.ConnectAsync(bound);

        await client.ExpectAsync("Server busy");
        await client.ExpectClosedAsync();
        Assert.Equal(1, policy.Refused);
        await handler.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    private async Task<(IActorRef Listener, IPEndPoint Bound)> BindAsync(TestProbe handler, IPEndPoint endPoint, IAcceptPolicy? policy = null)
    {
        var listener = Sys.ActorOf(SocketListenerActor.Props(new Tcp.Bind(handler.Ref, endPoint), ReadBytes, policy));
        var bound = await handler.ExpectMsgAsync<Tcp.Bound>(Patience);
        return (listener, Assert.IsType<IPEndPoint>(bound.LocalAddress));
    }

    private static async Task<SocketPort> AcceptedAsync(TestProbe handler) =>
        Assert.IsType<SocketPort>((await handler.ExpectMsgAsync<ConnectionAccepted>(Patience)).Port);

    /// <summary>Admits the first <paramref name="admit"/> clients, then refuses; counts both.</summary>
    private sealed class AdmitFirst(int admit) : IAcceptPolicy
    {
        private int _admitted;
        private int _refused;

        public byte[] Welcome => "Welcome!"u8.ToArray();

        public byte[] Busy => "Server busy"u8.ToArray();

        public int Admitted => Volatile.Read(ref _admitted);

        public int Refused => Volatile.Read(ref _refused);

        public bool TryAdmit()
        {
            if (Interlocked.Increment(ref _admitted) <= admit)
                return true;
            Interlocked.Decrement(ref _admitted);
            Interlocked.Increment(ref _refused);
            return false;
        }

        public void Lost() => Interlocked.Decrement(ref _admitted);
    }

    /// <summary>A plain client connected to <paramref name="endPoint"/>, bounded in time.</summary>
    internal static async Task<Socket> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var cts = new CancellationTokenSource(Patience);
            await socket.ConnectAsync(endPoint, cts.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
