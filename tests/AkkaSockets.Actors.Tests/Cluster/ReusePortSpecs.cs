using System.Net;
using Akka.IO;
using Akka.TestKit;
using AkkaSockets.Actors.Transport;
using Xunit.Abstractions;

namespace AkkaSockets.Actors.Tests.Cluster;

/// <summary>SO_REUSEPORT on both transports: what lets several server nodes on one host share one port.</summary>
public sealed class ReusePortSpecs(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = WARNING", output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(TransportKind.Direct)]
    [InlineData(TransportKind.AkkaIo)]
    public async Task Two_listeners_with_reuse_port_bind_the_same_port(TransportKind kind)
    {
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        var bound = await ListenAsync(kind, first, new IPEndPoint(IPAddress.Loopback, 0), reusePort: true);

        var again = await ListenAsync(kind, second, bound, reusePort: true);

        Assert.Equal(bound, again);
    }

    [Theory]
    [InlineData(TransportKind.Direct)]
    [InlineData(TransportKind.AkkaIo)]
    public async Task Without_reuse_port_a_second_listener_on_the_port_fails_to_bind(TransportKind kind)
    {
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        var bound = await ListenAsync(kind, first, new IPEndPoint(IPAddress.Loopback, 0), reusePort: true);

        Sys.ActorOf(Transports.For(kind).Listener(second.Ref, bound, 16, 1024, reusePort: false));

        var failed = await second.ExpectMsgAsync<Tcp.CommandFailed>(Patience);
        Assert.Equal("address already in use", AkkaSockets.Actors.Server.GreetingServerActor.DescribeBindFailure(failed.Cause.HasValue ? failed.Cause.Value : null));
    }

    private async Task<IPEndPoint> ListenAsync(TransportKind kind, TestProbe handler, IPEndPoint address, bool reusePort)
    {
        Sys.ActorOf(Transports.For(kind).Listener(handler.Ref, address, 16, 1024, reusePort));
        var bound = await handler.ExpectMsgAsync<Tcp.Bound>(Patience);
        return Assert.IsType<IPEndPoint>(bound.LocalAddress);
    }
}
