using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using AkkaSockets.Actors.Cluster;
using AkkaSockets.Actors.Tests.Server;
using Xunit.Abstractions;

namespace AkkaSockets.Actors.Tests.Cluster;

/// <summary>
/// Three server nodes in one process, each its own actor system on cluster port 0 and loopback:
/// they form one cluster, share their figures, and a node that leaves is removed.
/// </summary>
public sealed class ClusterFiguresSpecs : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private readonly List<ActorSystem> _others = [];
    private readonly Dictionary<ActorSystem, IPEndPoint> _servers = [];

    public ClusterFiguresSpecs(ITestOutputHelper output)
        : base(ClusterNodes.Start(ClusterNode.ServerRole), output)
    {
    }

    private ActorSystem A => Sys;

    private ActorSystem B => _others[0];

    private ActorSystem C => _others[1];

    public async Task InitializeAsync()
    {
        _others.Add(ClusterNodes.Start(ClusterNode.ServerRole));
        _others.Add(ClusterNodes.Start(ClusterNode.ServerRole));
        foreach (var system in new[] { A, B, C })
        {
            _servers[system] = (await ClusterNodes.StartServerAsync(system)).EndPoint;
            ClusterNodes.Join(system, A);
        }

        foreach (var system in new[] { A, B, C })
            AwaitUpMembers(system, 3);
    }

    public async Task DisposeAsync()
    {
        foreach (var system in _others)
            await system.Terminate().WaitAsync(ClusterNodes.Patience);
    }

    [Fact]
    public async Task Three_nodes_on_cluster_port_zero_form_one_cluster_and_each_sees_the_others_figures()
    {
        using (var client = await LoopbackClient.ConnectAsync(_servers[B]))
        {
            await client.ExpectAsync("Welcome!");
            await client.SendAsync("Ada");
            await client.ExpectAsync("Hello, Ada!");
            await client.SendAsync("exit");
            await client.ExpectClosedAsync();
        }

        var b = Akka.Cluster.Cluster.Get(B).SelfAddress.ToString();
        foreach (var viewer in new[] { A, C })
        {
            await AwaitAssertAsync(
                async () =>
                {
                    var figures = await FiguresSeenBy(viewer);
                    Assert.True(figures.TryGetValue(b, out var seen), $"no figures of {b} yet");
                    Assert.Equal((1L, 1L, 0), (seen.Accepted, seen.Replies, seen.Open));
                    Assert.Equal(1L, seen.ClosesByReason.GetValueOrDefault("exit"));
                },
                ClusterNodes.Patience,
                TimeSpan.FromMilliseconds(200));
        }

        Assert.Equal(3, (await FiguresSeenBy(A)).Count);
    }

    [Fact]
    public async Task The_status_node_lists_every_server_member_and_totals_their_figures()
    {
        foreach (var system in new[] { A, C })
        {
            using var client = await LoopbackClient.ConnectAsync(_servers[system]);
            await client.ExpectAsync("Welcome!");
            await client.SendAsync("Grace");
            await client.ExpectAsync("Hello, Grace!");
        }

        var status = ClusterNodes.Start(ClusterNode.StatusRole);
        try
        {
            var collector = status.ActorOf(StatusCollectorActor.Props());
            ClusterNodes.Join(status, A);
            await AwaitAssertAsync(
                async () =>
                {
                    var answer = await collector.Ask<object>(new CollectStatus(DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5)), TimeSpan.FromSeconds(10));
                    var report = Assert.IsType<ClusterStatus>(answer);
                    Assert.Equal(3, report.Members.Count(m => m.Roles.Contains(ClusterNode.ServerRole) && m.Status == "Up" && m.Reachable));
                    Assert.Equal(3, report.Figures.Count);
                    Assert.Equal((2L, 2L, 0), (report.Total.Accepted, report.Total.Replies, report.Total.Open));
                },
                ClusterNodes.Patience,
                TimeSpan.FromMilliseconds(200));
        }
        finally
        {
            await status.Terminate().WaitAsync(ClusterNodes.Patience);
        }
    }

    [Fact]
    public async Task A_node_that_leaves_is_removed_and_its_figures_dropped_from_the_shared_view()
    {
        var c = Akka.Cluster.Cluster.Get(C).SelfAddress;
        await AwaitAssertAsync(async () => Assert.True((await FiguresSeenBy(A)).ContainsKey(c.ToString())), ClusterNodes.Patience);

        Akka.Cluster.Cluster.Get(C).Leave(c);

        await AwaitAssertAsync(
            async () =>
            {
                Assert.DoesNotContain(Akka.Cluster.Cluster.Get(A).State.Members, m => m.Address.Equals(c));
                Assert.False((await FiguresSeenBy(A)).ContainsKey(c.ToString()), "the figures of the node that left are still shared");
            },
            ClusterNodes.Patience,
            TimeSpan.FromMilliseconds(200));
        await C.WhenTerminated.WaitAsync(ClusterNodes.Patience);
    }

    private void AwaitUpMembers(ActorSystem system, int count) =>
        AwaitAssert(
            () => Assert.Equal(count, Akka.Cluster.Cluster.Get(system).State.Members.Count(m => m.Status == MemberStatus.Up)),
            ClusterNodes.Patience,
            TimeSpan.FromMilliseconds(200));

    private static async Task<IReadOnlyDictionary<string, NodeFigures>> FiguresSeenBy(ActorSystem system)
    {
        var replicator = DistributedData.Get(system).Replicator;
        var answer = await replicator.Ask<IGetResponse>(Dsl.Get(FiguresPublisherActor.FiguresKey, ReadLocal.Instance), TimeSpan.FromSeconds(5));
        return answer is GetSuccess success
            ? success.Get(FiguresPublisherActor.FiguresKey).Entries
            : new Dictionary<string, NodeFigures>();
    }
}
