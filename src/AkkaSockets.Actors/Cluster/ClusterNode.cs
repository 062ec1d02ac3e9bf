using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using AkkaSockets.Actors.Configuration;

namespace AkkaSockets.Actors.Cluster;

/// <summary>
/// What every cluster node shares, whatever it does (server, status, a load worker): the actor
/// system's name, its roles, the remoting address from <c>akkasockets.cluster</c>, the serializer
/// bindings and the Split Brain Resolver in <c>hocon/cluster.hocon</c>, and how it joins.
/// </summary>
public static class ClusterNode
{
    public const string ServerRole = "server";
    public const string StatusRole = "status";
    public const string LoadWorkerRole = "load-worker";
    public const string LoadCoordinatorRole = "load-coordinator";

    /// <summary>
    /// The configuration of a node with <paramref name="role"/>: its address and role over
    /// <paramref name="config"/> (which holds the cluster section: compose it with "cluster").
    /// </summary>
    public static Config Configure(ClusterSettings settings, string role, Config config)
    {
        var node = string.Join(
            '\n',
            $"akka.remote.dot-netty.tcp.hostname = {HoconDefaults.Quote(settings.Host)}",
            $"akka.remote.dot-netty.tcp.public-hostname = {HoconDefaults.Quote(settings.PublicHost)}",
            $"akka.remote.dot-netty.tcp.port = {settings.Port.ToString(CultureInfo.InvariantCulture)}",
            $"akka.cluster.roles = [{HoconDefaults.Quote(role)}]");
        return ConfigurationFactory.ParseString(node).WithFallback(config);
    }

    /// <summary>The seeds' cluster addresses; with none, this node's own (it starts the cluster).</summary>
    public static IReadOnlyList<Address> SeedAddresses(ClusterSettings settings, ActorSystem system) =>
        settings.Seeds.Count == 0
            ? [Akka.Cluster.Cluster.Get(system).SelfAddress]
            : settings.Seeds.Select(s => new Address("akka.tcp", ClusterSettings.SystemName, s.Host, s.Port)).ToList();

    /// <summary>Joins the seeds (retried by Akka until it succeeds or the node stops).</summary>
    public static void Join(ClusterSettings settings, ActorSystem system) =>
        Akka.Cluster.Cluster.Get(system).JoinSeedNodes(SeedAddresses(settings, system));
}
