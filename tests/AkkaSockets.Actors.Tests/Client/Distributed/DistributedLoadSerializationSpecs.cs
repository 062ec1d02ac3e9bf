using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Serialization;
using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Client.Distributed;
using AkkaSockets.Actors.Cluster;
using AkkaSockets.Actors.Tests.Cluster;
using HdrHistogram;
using Xunit.Abstractions;

namespace AkkaSockets.Actors.Tests.Client.Distributed;

/// <summary>
/// The distributed load messages go through our serializer and arrive whole; with
/// <c>serialize-messages = on</c> every send below is serialized and read back.
/// </summary>
public sealed class DistributedLoadSerializationSpecs : Akka.TestKit.Xunit2.TestKit
{
    public DistributedLoadSerializationSpecs(ITestOutputHelper output)
        : base(ClusterNodes.Start(ClusterNode.LoadCoordinatorRole, ConfigurationFactory.ParseString("akka.actor.serialize-messages = on")), output)
    {
    }

    private static ShareResult Result()
    {
        var histogram = new LongHistogram(LoadRecorder.HighestMicros, 3);
        foreach (var micros in new long[] { 1_000_123, 1_002_000, 1_250_000, 3_000_000_000 })
            histogram.RecordValue(micros);
        return new ShareResult(
            "run1",
            1,
            Started: 40,
            Ok: 38,
            Failed: 2,
            new Dictionary<string, long> { ["timeout"] = 1, ["refused"] = 1 },
            PeakOpen: 20,
            TimeSpan.FromMilliseconds(2_345.5),
            LoadEnd.MaxDuration,
            HistogramCodec.Encode(histogram),
            [new LoadSample(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 4, 1, 0, 20, LatencySummary.Of(histogram))]);
    }

    [Fact]
    public void Every_distributed_load_message_is_bound_to_our_serializer()
    {
        object[] messages =
        [
            new RunShare("run1", 0, SharesAndMergeTests.Whole(10, 20)),
            new ShareStarted("run1", 0),
            new ShareProgress("run1", 0, 3, 2, 1, 0, 3, ImmutableDictionary<string, long>.Empty),
            Result(),
            new CancelShare("run1"),
        ];

        Assert.All(messages, m => Assert.Equal(ClusterMessageSerializer.SerializerId, Sys.Serialization.FindSerializerFor(m).Identifier));
    }

    [Fact]
    public void A_share_result_with_its_encoded_histogram_arrives_whole_and_warning_free()
    {
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings, typeof(Warning));
        var sent = Result();

        TestActor.Tell(sent);

        var got = ExpectMsg<ShareResult>();
        Assert.Equal((sent.RunId, sent.Index, sent.Started, sent.Ok, sent.Failed, sent.PeakOpen, sent.Elapsed, sent.EndedBy), (got.RunId, got.Index, got.Started, got.Ok, got.Failed, got.PeakOpen, got.Elapsed, got.EndedBy));
        Assert.Equal(sent.Failures.OrderBy(p => p.Key), got.Failures.OrderBy(p => p.Key));
        Assert.Equal(sent.Histogram, got.Histogram);
        Assert.Equal(sent.Timeline, got.Timeline);
        Assert.Equal(4L, HistogramCodec.Decode(got.Histogram).TotalCount);
        warnings.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_share_arrives_with_every_setting_the_worker_needs()
    {
        var sent = new RunShare("run1", 2, SharesAndMergeTests.Whole(10, 20, ramp: 5, duration: TimeSpan.FromSeconds(7)));

        TestActor.Tell(sent);

        var got = ExpectMsg<RunShare>();
        Assert.Equal(sent.Share with { Names = got.Share.Names }, got.Share);
        Assert.Equal(sent.Share.Names, got.Share.Names);
        Assert.Equal((sent.RunId, sent.Index), (got.RunId, got.Index));
    }
}
