using System.Net;
using Akka.Actor;
using Akka.TestKit;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Protocol.Framing;
using AkkaSockets.Actors.Server;
using AkkaSockets.Actors.Transport;

namespace AkkaSockets.Actors.Tests.Server;

/// <summary>
/// The listener actor can die (a fatal accept error stops it; so does anything that kills it).
/// The greeting server watches it and binds the same port again. Behind Akka.IO the connections
/// die with it (they are its children) and must not stay counted; the direct transport's
/// connections own their sockets and carry on.
/// </summary>
[Trait("Category", "Hardening")]
public sealed class ListenerResilienceSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    public ListenerResilienceSpecs()
        : base(HoconDefaults.Embedded("common"))
    {
    }

    [Theory]
    [InlineData(TransportKind.Direct)]
    [InlineData(TransportKind.AkkaIo)]
    public async Task When_the_listener_dies_the_server_binds_the_same_port_again_logs_it_and_serves_new_clients(TransportKind transport)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var settings = ServerSettings.Default with
        {
            Port = 0,
            ReplyDelay = TimeSpan.Zero,
            Framing = FramingMode.Line,
            IdleTimeout = null,
            Transport = transport,
        };
        var server = Sys.ActorOf(GreetingServerActor.Props(settings, new IPEndPoint(IPAddress.Loopback, 0)), "greeting-server");
        var bound = Assert.IsType<ServerBound>(await server.Ask<object>(AwaitBound.Instance, Patience));
        var port = ((IPEndPoint)bound.LocalAddress).Port;

        await using var before = await LoopbackClient.ConnectAsync(port, cancel.Token);
        Assert.Equal("Welcome!", await before.ReadTextLineAsync(cancel.Token));
        await OpenConnectionsBecome(server, 1);

        var listener = await FindListener(transport);
        Sys.EventStream.Subscribe(TestActor, typeof(ServerBound));
        await EventFilter.Error(contains: "died; binding again").ExpectOneAsync(
            Patience,
            async () =>
            {
                listener.Tell(Kill.Instance);
                await Task.Yield();
            });

        var rebound = await ExpectMsgAsync<ServerBound>(Patience);
        Assert.Equal(port, ((IPEndPoint)rebound.LocalAddress).Port);
        Assert.NotEqual(listener, await FindListener(transport));

        if (transport == TransportKind.AkkaIo)
        {
            // The old connection died with its listener: its client sees the end, and it is not counted.
            Assert.True(await before.ReadsEndAsync(cancel.Token));
        }
        else
        {
            // The old connection never depended on the listener.
            await before.SendAsync("Bob\nexit\n", cancel.Token);
            Assert.Equal("Hello, Bob!", await before.ReadTextLineAsync(cancel.Token));
            Assert.True(await before.ReadsEndAsync(cancel.Token));
        }

        await OpenConnectionsBecome(server, 0);

        await using (var after = await LoopbackClient.ConnectAsync(port, cancel.Token))
        {
            Assert.Equal("Welcome!", await after.ReadTextLineAsync(cancel.Token));
            await after.SendAsync("Ada\nexit\n", cancel.Token);
            Assert.Equal("Hello, Ada!", await after.ReadTextLineAsync(cancel.Token));
            Assert.True(await after.ReadsEndAsync(cancel.Token));
        }

        await OpenConnectionsBecome(server, 0);
    }

    private async Task<IActorRef> FindListener(TransportKind transport)
    {
        // Akka.IO 1.5.74 names its listeners /system/IO-TCP/tcp-listener-N; the direct transport's
        // is the server's child listener-N. Either way this system has one.
        var path = transport == TransportKind.AkkaIo ? "/system/IO-TCP/*" : "/user/greeting-server/listener-*";
        var identity = await Sys.ActorSelection(path).Ask<ActorIdentity>(new Identify(null), Patience);
        return identity.Subject ?? throw new InvalidOperationException("no Akka.IO listener found");
    }

    private async Task OpenConnectionsBecome(IActorRef server, int open) =>
        await AwaitAssertAsync(
            async () => Assert.Equal(open, (await server.Ask<ServerStats>(GetServerStats.Instance, Patience)).Open),
            Patience,
            TimeSpan.FromMilliseconds(50));
}
