using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Client.Distributed;
using AkkaSockets.Actors.Cluster;
using AkkaSockets.Actors.Tests.Cluster;
using AkkaSockets.Actors.Transport;
using AkkaSockets.Protocol.Framing;
using HdrHistogram;
using Xunit.Abstractions;

namespace AkkaSockets.Actors.Tests.Client.Distributed;

/// <summary>
/// A coordinator and two load workers in this process, each its own actor system on loopback
/// (cluster port 0, the failure detector shortened), against the project's server with a short
/// reply delay on a fourth.
/// </summary>
public sealed class DistributedLoadSpecs : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan RunWithin = TimeSpan.FromSeconds(60);

    private readonly List<ActorSystem> _workers = [];
    private ActorSystem _serverSystem = null!;
    private int _port;

    public DistributedLoadSpecs(ITestOutputHelper output)
        : base(ClusterNodes.Start(ClusterNode.LoadCoordinatorRole), output)
    {
    }

    public Task InitializeAsync()
    {
        _serverSystem = ActorSystem.Create("server", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        _port = ClientTestKit.StartServer(_serverSystem, Delay);
        Akka.Cluster.Cluster.Get(Sys).Join(Akka.Cluster.Cluster.Get(Sys).SelfAddress);
        for (var i = 0; i < 2; i++)
        {
            var worker = ClusterNodes.Start(ClusterNode.LoadWorkerRole);
            worker.ActorOf(LoadWorkerActor.Props(), LoadWorkerPath.Name);
            ClusterNodes.Join(worker, Sys);
            _workers.Add(worker);
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var system in _workers.Append(_serverSystem))
            await system.Terminate().WaitAsync(ClusterNodes.Patience);
    }

    private LoadShare Work(int connections, int sessions, TimeSpan? think = null) =>
        SharesAndMergeTests.Whole(connections, sessions) with
        {
            Port = _port,
            MaxDuration = TimeSpan.FromSeconds(50),
            Think = think ?? TimeSpan.Zero,
            ExpectDelay = Delay,
            ProgressInterval = TimeSpan.FromMilliseconds(200),
        };

    [Fact]
    public void Two_workers_give_the_same_totals_as_one_process_for_the_same_work_and_each_does_its_share()
    {
        var work = Work(connections: 10, sessions: 41);
        var single = CreateTestProbe();
        Sys.ActorOf(LoadGeneratorActor.Props(work.Session(), work.Load(), single));
        var alone = single.FishForMessage<LoadReport>(_ => true, RunWithin);

        var observer = CreateTestProbe();
        var coordinator = Sys.ActorOf(LoadCoordinatorActor.Props(work, 2, RunWithin, observer));
        var merged = observer.FishForMessage<LoadReport>(_ => true, RunWithin);
        coordinator.Tell(AwaitDistributedResult.Instance);
        var result = ExpectMsg<DistributedLoadResult>(RunWithin);

        Assert.Equal((41L, 0L, 123L), (alone.Ok, alone.Failed, alone.Replies));
        Assert.Equal((alone.Ok, alone.Failed, alone.Replies, alone.Started), (merged.Ok, merged.Failed, merged.Replies, merged.Started));
        Assert.Equal(LoadEnd.Completed, merged.EndedBy);
        Assert.Same(merged, result.Report);
        Assert.Equal([21L, 20L], result.Workers.Select(w => w.Ok));
        Assert.Equal([63L, 60L], result.Workers.Select(w => w.Replies));
        Assert.All(result.Workers, w => Assert.Null(w.Lost));
        Assert.Equal(
            _workers.Select(w => Akka.Cluster.Cluster.Get(w).SelfAddress.ToString()).Order(StringComparer.Ordinal),
            result.Workers.Select(w => w.Address).Order(StringComparer.Ordinal));
        // The merge holds every worker's values: its count is theirs, its max the larger of theirs.
        Assert.Equal(result.Workers.Max(w => w.Histogram.GetMaxValue()), merged.Histogram.GetMaxValue());
        Assert.True(merged.Reply!.P50 >= Delay.TotalMilliseconds - 10, $"p50 {merged.Reply.P50} ms is below the server's {Delay.TotalMilliseconds} ms delay");
    }

    [Fact]
    public void The_combined_progress_counts_both_workers_sessions()
    {
        var observer = CreateTestProbe();
        Sys.ActorOf(LoadCoordinatorActor.Props(Work(connections: 4, sessions: 40), 2, RunWithin, observer));

        var progress = observer.FishForMessage<LoadProgress>(p => p.Ok > 0 && p.Started > 2, RunWithin);
        var report = observer.FishForMessage<LoadReport>(_ => true, RunWithin);

        Assert.Equal(40, progress.Sessions);
        Assert.InRange(progress.Open, 0, 4);
        Assert.Equal(40L, report.Ok);
    }

    [Fact]
    public async Task A_worker_lost_mid_run_has_its_unfinished_sessions_counted_as_worker_lost_and_the_run_still_ends()
    {
        var observer = CreateTestProbe();
        // About 40 x 3 x 50 ms / 2 = 3 s per worker: long enough to lose one midway.
        var coordinator = Sys.ActorOf(LoadCoordinatorActor.Props(Work(connections: 2, sessions: 80), 2, RunWithin, observer));
        observer.FishForMessage<LoadProgress>(p => p.Ok >= 4, RunWithin);
        var lost = _workers[1];
        var lostAddress = Akka.Cluster.Cluster.Get(lost).SelfAddress.ToString();

        await lost.Terminate().WaitAsync(ClusterNodes.Patience);

        var report = observer.FishForMessage<LoadReport>(_ => true, RunWithin);
        coordinator.Tell(AwaitDistributedResult.Instance);
        var result = ExpectMsg<DistributedLoadResult>(RunWithin);
        var gone = result.Workers.Single(w => w.Address == lostAddress);
        var kept = result.Workers.Single(w => w.Address != lostAddress);
        Assert.NotNull(gone.Lost);
        Assert.Null(kept.Lost);
        Assert.Equal(40L, kept.Ok);
        Assert.True(report.Failures.GetValueOrDefault(DistributedMerge.WorkerLost) > 0, $"no worker-lost failures: {string.Join(", ", report.Failures)}");
        Assert.Equal(80L, report.Ok + report.Failed);
        Assert.True(gone.Ok < 40, $"the lost worker finished all its {gone.Ok} sessions before it was stopped");
    }

    [Fact]
    public void Too_few_workers_within_the_wait_ends_with_workers_missing()
    {
        var coordinator = Sys.ActorOf(LoadCoordinatorActor.Props(Work(connections: 3, sessions: 3), 3, TimeSpan.FromSeconds(3), CreateTestProbe()));

        coordinator.Tell(AwaitDistributedResult.Instance);

        var missing = ExpectMsg<WorkersMissing>(RunWithin);
        Assert.Equal((3, false), (missing.Wanted, missing.Interrupted));
        Assert.InRange(missing.Found, 0, 2);
    }

    [Fact]
    public void A_stop_mid_run_ends_every_share_early_and_the_report_says_interrupted_with_the_replies_seen()
    {
        var observer = CreateTestProbe();
        var coordinator = Sys.ActorOf(LoadCoordinatorActor.Props(Work(connections: 2, sessions: 200, think: TimeSpan.FromMilliseconds(50)), 2, RunWithin, observer));
        observer.FishForMessage<LoadProgress>(p => p.Replies >= 6, RunWithin);

        coordinator.Tell(StopLoad.Instance);

        var report = observer.FishForMessage<LoadReport>(_ => true, RunWithin);
        Assert.Equal(LoadEnd.Interrupted, report.EndedBy);
        Assert.True(report.Replies >= 6, $"{report.Replies} replies");
        Assert.False(report.Failures.ContainsKey(DistributedMerge.WorkerLost), string.Join(", ", report.Failures));
        Assert.True(report.Ok < 200);
    }
}
