using System.Net;
using Akka.Actor;
using Akka.Configuration;
using AkkaSockets.Actors.Cluster;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Actors.Server;

namespace AkkaSockets.Actors.Tests.Cluster;

/// <summary>
/// Cluster nodes in this process: each an actor system on loopback, cluster port 0, with the
/// failure detector, the Split Brain Resolver and the figures' interval shortened.
/// </summary>
internal static class ClusterNodes
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private const string Fast = """
        akka.loglevel = WARNING
        akkasockets.cluster.publish-interval = 200ms
        akka.cluster.distributed-data.gossip-interval = 200ms
        akka.cluster.gossip-interval = 200ms
        akka.cluster.leader-actions-interval = 200ms
        akka.cluster.failure-detector.heartbeat-interval = 500ms
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 3s
        akka.cluster.split-brain-resolver.stable-after = 2s
        """;

    public static ClusterSettings Settings(Config? extra = null) =>
        ClusterSettings.FromConfig(Config(extra));

    public static Config Config(Config? extra = null)
    {
        var config = ConfigurationFactory.ParseString(Fast).WithFallback(HoconDefaults.Embedded("cluster"));
        return extra is null ? config : extra.WithFallback(config);
    }

    public static ActorSystem Start(string role, Config? extra = null)
    {
        var config = Config(extra);
        return ActorSystem.Create(ClusterSettings.SystemName, ClusterNode.Configure(ClusterSettings.FromConfig(config), role, config));
    }

    /// <summary>A greeting server on port 0 answering at once, and its figures shared with the cluster.</summary>
    public static async Task<(IActorRef Server, IPEndPoint EndPoint)> StartServerAsync(ActorSystem system)
    {
        var settings = ServerSettings.Default with { Port = 0, ReplyDelay = TimeSpan.Zero };
        var server = system.ActorOf(GreetingServerActor.Props(settings, new IPEndPoint(IPAddress.Loopback, 0)), "greeting-server");
        var bound = await server.Ask<ServerBound>(AwaitBound.Instance, TimeSpan.FromSeconds(10));
        system.ActorOf(FiguresPublisherActor.Props(server, Settings().PublishInterval), "cluster-figures");
        return (server, (IPEndPoint)bound.LocalAddress);
    }

    public static void Join(ActorSystem system, ActorSystem seed) =>
        Akka.Cluster.Cluster.Get(system).JoinSeedNodes([Akka.Cluster.Cluster.Get(seed).SelfAddress]);
}
