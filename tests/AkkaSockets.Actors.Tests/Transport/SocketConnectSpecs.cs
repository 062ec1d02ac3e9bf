using System.Net;
using System.Net.Sockets;
using Akka.TestKit;
using AkkaSockets.Actors.Transport;

namespace AkkaSockets.Actors.Tests.Transport;

/// <summary>The direct transport's connect on its own, against a plain listener on loopback.</summary>
public sealed class SocketConnectSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Connects_to_an_ipv4_loopback_server_come_from_spread_loopback_addresses()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(64);
        var owner = CreateTestProbe();
        var sources = new HashSet<IPAddress>();

        for (var i = 0; i < 4; i++)
        {
            var connect = SocketConnect.Start(listener.LocalEndPoint!, owner.Ref, readBytes: 1024);
            var done = await owner.ExpectMsgAsync<ConnectDone>(Patience);
            Assert.True(connect.TryComplete(done, owner.Ref, out var outcome));
            Assert.Null(outcome.Failure);
            using var port = Assert.IsType<SocketPort>(outcome.Port);
            Assert.Equal(listener.LocalEndPoint, outcome.Remote);
            using var accepted = await listener.AcceptAsync();
            var local = (IPEndPoint)accepted.RemoteEndPoint!;
            var bytes = local.Address.GetAddressBytes();
            Assert.Equal(new byte[] { 127, 0, 0 }, bytes[..3]);
            Assert.InRange(bytes[3], (byte)2, (byte)251);
            sources.Add(local.Address);
        }

        // In turn: four connects, four different source addresses.
        Assert.Equal(4, sources.Count);
    }

    [Fact]
    public async Task A_connect_to_a_closed_loopback_port_reports_connection_refused()
    {
        using var closed = new ClosedPort();

        var owner = CreateTestProbe();
        var connect = SocketConnect.Start(closed.EndPoint, owner.Ref, readBytes: 1024);
        var done = await owner.ExpectMsgAsync<ConnectDone>(Patience);

        Assert.False(connect.TryComplete("not the outcome", owner.Ref, out _));
        Assert.True(connect.TryComplete(done, owner.Ref, out var outcome));
        Assert.Null(outcome.Port);
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(outcome.Failure).SocketErrorCode);
    }
}
