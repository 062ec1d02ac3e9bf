using System.Net;
using Akka.Actor;
using Akka.TestKit;
using AkkaSockets.Configuration;
using AkkaSockets.Protocol.Framing;
using AkkaSockets.Server;

namespace AkkaSockets.Tests.Hardening;

/// <summary>
/// Akka.IO's listener actor can die (a fatal accept error stops it; so does anything that kills
/// it). The greeting server watches it and binds the same port again; the connections that died
/// with it (Akka.IO makes them the listener's children) must not stay counted.
/// </summary>
public sealed class ListenerResilienceSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    public ListenerResilienceSpecs()
        : base(HoconDefaults.Embedded("common"))
    {
    }

    [Fact]
    public async Task When_the_listener_dies_the_server_binds_the_same_port_again_logs_it_and_serves_new_clients()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var settings = ServerSettings.Default with
        {
            Port = 0,
            ReplyDelay = TimeSpan.Zero,
            Framing = FramingMode.Line,
            IdleTimeout = null,
        };
        var server = Sys.ActorOf(GreetingServerActor.Props(settings, new IPEndPoint(IPAddress.Loopback, 0)), "greeting-server");
        var bound = Assert.IsType<ServerBound>(await server.Ask<object>(AwaitBound.Instance, Patience));
        var port = ((IPEndPoint)bound.LocalAddress).Port;

        await using var before = await LineClient.ConnectAsync(port, cancel.Token);
        Assert.Equal("Welcome!", await before.ReadTextLineAsync(cancel.Token));
        await OpenConnectionsBecome(server, 1);

        var listener = await FindListener();
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
        Assert.NotEqual(listener, await FindListener());

        // The old connection died with its listener: its client sees the end, and it is not counted.
        Assert.True(await before.ReadsEndAsync(cancel.Token));
        await OpenConnectionsBecome(server, 0);

        await using (var after = await LineClient.ConnectAsync(port, cancel.Token))
        {
            Assert.Equal("Welcome!", await after.ReadTextLineAsync(cancel.Token));
            await after.SendAsync("Ada\nexit\n", cancel.Token);
            Assert.Equal("Hello, Ada!", await after.ReadTextLineAsync(cancel.Token));
            Assert.True(await after.ReadsEndAsync(cancel.Token));
        }

        await OpenConnectionsBecome(server, 0);
    }

    private async Task<IActorRef> FindListener()
    {
        // Akka.IO 1.5.74 names its listeners /system/IO-TCP/tcp-listener-N; this system has one.
        var identity = await Sys.ActorSelection("/system/IO-TCP/*").Ask<ActorIdentity>(new Identify(null), Patience);
        return identity.Subject ?? throw new InvalidOperationException("no Akka.IO listener found");
    }

    private async Task OpenConnectionsBecome(IActorRef server, int open) =>
        await AwaitAssertAsync(
            async () => Assert.Equal(open, (await server.Ask<ServerStats>(GetServerStats.Instance, Patience)).Open),
            Patience,
            TimeSpan.FromMilliseconds(50));
}
