using AkkaSockets.Actors.Client;

namespace AkkaSockets.Actors.Tests.Client;

public sealed class LoadRecorderTests
{
    [Fact]
    public void A_recorder_with_no_replies_has_no_latency_summary()
    {
        var recorder = new LoadRecorder();

        Assert.Null(recorder.Summary());
        Assert.Equal(0, recorder.Snapshot().TotalCount);
    }

    [Fact]
    public void Each_sample_holds_the_replies_and_sessions_of_its_own_interval()
    {
        var recorder = new LoadRecorder();
        recorder.Reply(10_000);
        recorder.Reply(30_000);
        recorder.SessionEnded(ok: true);
        recorder.Sample(TimeSpan.FromSeconds(1), open: 5);
        recorder.Reply(50_000);
        recorder.SessionEnded(ok: false);
        recorder.Sample(TimeSpan.FromSeconds(1.5), open: 2);

        var timeline = recorder.Timeline();
        Assert.Equal(2, timeline.Length);
        Assert.Equal((2, 1, 0, 5), (timeline[0].Replies, timeline[0].Ok, timeline[0].Failed, timeline[0].Open));
        Assert.InRange(timeline[0].Reply!.Max, 29.5, 30.5);
        Assert.Equal(2.0, timeline[0].RepliesPerSecond);
        Assert.Equal((1, 0, 1, 2), (timeline[1].Replies, timeline[1].Ok, timeline[1].Failed, timeline[1].Open));
        Assert.Equal(TimeSpan.FromSeconds(0.5), timeline[1].Length);
        Assert.Equal(2.0, timeline[1].RepliesPerSecond);
        // The whole run keeps every reply.
        Assert.Equal(3, recorder.Summary()!.Count);
        Assert.Equal(50.0, recorder.Summary()!.Max, 1);
    }

    [Fact]
    public void Recording_a_reply_allocates_nothing_in_the_histogram_or_the_meter()
    {
        var recorder = new LoadRecorder();
        using var metrics = new LoadMetrics();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        long sum = 0;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, v, _, _) => sum += v);
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => sum++);
        listener.Start();
        recorder.Reply(1_000);
        metrics.Reply(1_000);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            recorder.Reply(1_000 + i);
            metrics.Reply(1_000 + i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(2 * 10_001, sum);
    }
}
