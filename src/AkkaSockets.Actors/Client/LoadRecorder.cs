using System.Collections.Immutable;
using HdrHistogram;

namespace AkkaSockets.Actors.Client;

/// <summary>
/// What a load run has seen so far: every reply latency in one HdrHistogram, and a sample per
/// interval (replies, sessions ended, the interval's own latency) for the over-time charts.
/// Recording a reply allocates nothing. Owned by one actor.
/// </summary>
public sealed class LoadRecorder
{
    /// <summary>Microseconds: one hour is far above any reply timeout.</summary>
    public const long HighestMicros = 3_600_000_000;

    private readonly LongHistogram _all = new(HighestMicros, 3);
    private readonly LongHistogram _interval = new(HighestMicros, 2);
    private readonly List<LoadSample> _timeline = [];
    private TimeSpan _intervalStart;
    private long _intervalOk;
    private long _intervalFailed;

    public long Replies => _all.TotalCount;

    public void Reply(long micros)
    {
        var value = Math.Clamp(micros, 0, HighestMicros);
        _all.RecordValue(value);
        _interval.RecordValue(value);
    }

    public void SessionEnded(bool ok)
    {
        if (ok)
            _intervalOk++;
        else
            _intervalFailed++;
    }

    /// <summary>Closes the current interval at <paramref name="now"/> (time since the start).</summary>
    public void Sample(TimeSpan now, int open)
    {
        var length = now - _intervalStart;
        if (length <= TimeSpan.Zero)
            return;
        _timeline.Add(new LoadSample(now, length, _interval.TotalCount, _intervalOk, _intervalFailed, open, LatencySummary.Of(_interval)));
        _interval.Reset();
        _intervalOk = 0;
        _intervalFailed = 0;
        _intervalStart = now;
    }

    public LatencySummary? Summary() => LatencySummary.Of(_all);

    /// <summary>A copy of the whole histogram, for a report that outlives this recorder's owner.</summary>
    public HistogramBase Snapshot() => _all.Copy();

    public ImmutableArray<LoadSample> Timeline() => [.. _timeline];
}
