using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using AkkaSockets.Actors.Cluster;
using AkkaSockets.Actors.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaSockets.Cli.Hosting;

/// <summary>
/// Cluster nodes in the generic host. A server node joins its seeds and shares its figures; the
/// status node joins, collects, and leaves. Another role (a load worker) builds on
/// <see cref="BuildNode"/> and <see cref="ClusterNode"/> the same way.
/// </summary>
public static class ClusterHosting
{
    /// <summary>On a server node: join the seeds, then share the listener's figures about once a second.</summary>
    public static AkkaConfigurationBuilder JoinAsServer(this AkkaConfigurationBuilder akka, ClusterSettings cluster) =>
        akka.WithActors((system, registry) =>
        {
            ClusterNode.Join(cluster, system);
            var server = registry.Get<GreetingServerActor>();
            system.ActorOf(FiguresPublisherActor.Props(server, cluster.PublishInterval), "cluster-figures");
            var self = Akka.Cluster.Cluster.Get(system).SelfAddress;
            var seeds = string.Join(", ", ClusterNode.SeedAddresses(cluster, system));
            Console.Error.WriteLine($"Cluster node {self} (role {ClusterNode.ServerRole}), joining {seeds}");
        });

    /// <summary>
    /// A cluster node of <paramref name="role"/> in a generic host: <paramref name="config"/> must
    /// already be <see cref="ClusterNode.Configure"/>d; <paramref name="start"/> creates its actors
    /// before it joins the seeds.
    /// </summary>
    public static IHost BuildNode(Config config, ClusterSettings cluster, Action<ActorSystem, IActorRegistry> start)
    {
        var builder = NodeHost.CreateBuilder();
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Logging.AddFilter("Akka.Hosting", LogLevel.None);
        builder.Services.AddAkka(ClusterSettings.SystemName, (akka, _) =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend);
            akka.LogThroughHost();
            akka.WithActors((system, registry) =>
            {
                start(system, registry);
                ClusterNode.Join(cluster, system);
            });
        });
        return builder.Build();
    }

    /// <summary>
    /// When the node was downed (the others' Split Brain Resolver removed it, e.g. after it was
    /// frozen or cut off), the line that says so; null after an ordinary stop.
    /// </summary>
    public static string? RemovedLine(ActorSystem system) =>
        CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClusterDowningReason
            ? $"akkasockets: this node ({Akka.Cluster.Cluster.Get(system).SelfAddress}) was downed and removed from the cluster; exiting"
            : null;
}
