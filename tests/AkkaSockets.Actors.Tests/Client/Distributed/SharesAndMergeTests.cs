using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Client.Distributed;
using AkkaSockets.Actors.Transport;
using AkkaSockets.Protocol.Framing;

namespace AkkaSockets.Actors.Tests.Client.Distributed;

public sealed class SharesAndMergeTests
{
    internal static LoadShare Whole(int connections, int? sessions, int? ramp = null, TimeSpan? duration = null) => new(
        "127.0.0.1",
        9999,
        ClientTestKit.TutorialNames,
        FramingMode.Chunk,
        TransportKind.Direct,
        TimeSpan.FromSeconds(10),
        TimeSpan.FromSeconds(5),
        connections,
        sessions,
        ramp,
        duration,
        MaxDuration: null,
        Think: TimeSpan.FromMilliseconds(100),
        ExpectDelay: TimeSpan.FromSeconds(1),
        ProgressInterval: TimeSpan.FromSeconds(1));

    [Fact]
    public void Sessions_connections_and_ramp_split_evenly_with_the_remainder_one_apiece_to_the_first_workers()
    {
        var shares = Whole(connections: 10, sessions: 11, ramp: 7).Split(3);

        Assert.Equal([4, 3, 3], shares.Select(s => s.Connections));
        Assert.Equal([4, 4, 3], shares.Select(s => s.Sessions!.Value));
        Assert.Equal([3, 2, 2], shares.Select(s => s.Ramp!.Value));
    }

    [Fact]
    public void The_shares_add_up_to_the_whole_and_keep_its_think_time_and_duration()
    {
        var whole = Whole(connections: 60_000, sessions: null, duration: TimeSpan.FromSeconds(30));

        var shares = whole.Split(4);

        Assert.Equal(60_000, shares.Sum(s => s.Connections));
        Assert.All(shares, s => Assert.Null(s.Sessions));
        Assert.All(shares, s => Assert.Equal((whole.Duration, whole.Think, whole.Host), (s.Duration, s.Think, s.Host)));
    }

    [Fact]
    public void A_ramp_below_the_number_of_workers_still_gives_each_worker_one_connection_per_second()
    {
        var shares = Whole(connections: 8, sessions: 8, ramp: 2).Split(4);

        Assert.Equal([1, 1, 1, 1], shares.Select(s => s.Ramp!.Value));
    }

    [Fact]
    public void Workers_report_progress_between_a_quarter_and_half_a_second_whatever_the_runs_interval()
    {
        Assert.All(Whole(4, 4).Split(2), s => Assert.Equal(LoadShare.SlowestProgress, s.ProgressInterval));
        Assert.All((Whole(4, 4) with { ProgressInterval = TimeSpan.FromMilliseconds(50) }).Split(2), s => Assert.Equal(LoadShare.FastestProgress, s.ProgressInterval));
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(5, 2)]
    public void Fewer_connections_or_sessions_than_workers_cannot_be_split(int connections, int sessions)
    {
        var error = Assert.Throws<ArgumentException>(() => Whole(connections, sessions).Split(3));

        Assert.Contains("cannot be shared among 3 workers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lost_workers_unfinished_sessions_count_as_worker_lost_beside_what_its_last_progress_counted()
    {
        var share = Whole(connections: 10, sessions: 50);
        var last = new ShareProgress("run", 1, Started: 30, Open: 10, Ok: 18, Failed: 2, Replies: 60, new Dictionary<string, long> { ["timeout"] = 2 });

        var lost = DistributedMerge.Lost("akka.tcp://akkasockets@127.0.0.1:1", 1, share, last, "unreachable", TimeSpan.FromSeconds(3));

        Assert.Equal((18L, 32L), (lost.Ok, lost.Failed));
        Assert.Equal(30L, lost.Failures[DistributedMerge.WorkerLost]);
        Assert.Equal(2L, lost.Failures["timeout"]);
        Assert.Equal("unreachable", lost.Lost);
        Assert.Equal(0, lost.Histogram.TotalCount);
    }

    [Fact]
    public void Merged_reports_sum_counts_and_failures_and_hold_every_workers_replies()
    {
        var plan = Whole(4, 8).Load();
        var a = Outcome(0, ok: 4, replies: [1_000_100, 1_000_200], failures: []);
        var b = Outcome(1, ok: 3, replies: [1_000_300], failures: new() { ["timeout"] = 1 });

        var report = DistributedMerge.Merge(plan, [a, b], interrupted: false, TimeSpan.FromSeconds(9));

        Assert.Equal((7L, 1L, 8), (report.Ok, report.Failed, report.Started));
        Assert.Equal(1L, report.Failures["timeout"]);
        Assert.Equal(3L, report.Replies);
        Assert.Equal(1_000.3, report.Reply!.Max, 0.5);
        Assert.Equal(LoadEnd.Completed, report.EndedBy);
        Assert.Equal(TimeSpan.FromSeconds(2), report.Elapsed);
    }

    private static WorkerOutcome Outcome(int index, long ok, long[] replies, Dictionary<string, long> failures)
    {
        var histogram = new HdrHistogram.LongHistogram(LoadRecorder.HighestMicros, 3);
        foreach (var value in replies)
            histogram.RecordValue(value);
        var failed = failures.Values.Sum();
        return new WorkerOutcome(
            $"akka.tcp://akkasockets@127.0.0.1:{index + 1}", index, Whole(2, 4), null, (int)(ok + failed), ok, failed, failures,
            histogram.TotalCount, 2, TimeSpan.FromSeconds(1 + index), LoadEnd.Completed, histogram, []);
    }
}
