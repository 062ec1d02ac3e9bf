using System.Collections.Immutable;
using HdrHistogram;

namespace AkkaSockets.Actors.Client.Distributed;

/// <summary>
/// The workers' parts of a run made into one <see cref="LoadReport"/>: counts summed, failures
/// summed by cause, the reply histograms added value for value (so every percentile is the one a
/// single process would have measured), the timelines summed second by second.
/// </summary>
public static class DistributedMerge
{
    /// <summary>The failure cause of a lost worker's unfinished sessions.</summary>
    public const string WorkerLost = "worker-lost";

    public static LoadReport Merge(LoadSettings plan, IReadOnlyList<WorkerOutcome> workers, bool interrupted, TimeSpan elapsed)
    {
        var histogram = HistogramCodec.Merge(workers.Select(w => w.Histogram));
        var failures = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (cause, count) in workers.SelectMany(w => w.Failures))
            failures[cause] = failures.GetValueOrDefault(cause) + count;
        var endedBy = interrupted ? LoadEnd.Interrupted
            : workers.Any(w => w.EndedBy == LoadEnd.MaxDuration) ? LoadEnd.MaxDuration
            : plan.Duration is not null ? LoadEnd.Duration
            : LoadEnd.Completed;
        return new LoadReport(
            plan,
            workers.Sum(w => w.Started),
            workers.Sum(w => w.Ok),
            workers.Sum(w => w.Failed),
            failures.ToImmutableSortedDictionary(StringComparer.Ordinal),
            LatencySummary.Of(histogram),
            workers.Count == 0 ? elapsed : workers.Max(w => w.Elapsed),
            // Each worker's own peak: their sum is what the run held at most.
            workers.Sum(w => w.PeakOpen),
            endedBy,
            histogram,
            MergeTimelines(workers.Select(w => w.Timeline).ToList()));
    }

    /// <summary>
    /// A lost worker's part: what its last progress counted, and every session it had not
    /// finished (planned and not ended, or started and not ended) as <see cref="WorkerLost"/>.
    /// </summary>
    public static WorkerOutcome Lost(string address, int index, LoadShare share, ShareProgress? last, string how, TimeSpan elapsed)
    {
        var started = last?.Started ?? 0;
        var ok = last?.Ok ?? 0;
        var failed = last?.Failed ?? 0;
        var unfinished = Math.Max(0, (share.Sessions ?? started) - ok - failed);
        var failures = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (cause, count) in last?.Failures ?? ImmutableDictionary<string, long>.Empty)
            failures[cause] = count;
        if (unfinished > 0)
            failures[WorkerLost] = failures.GetValueOrDefault(WorkerLost) + unfinished;
        return new WorkerOutcome(
            address,
            index,
            share,
            how,
            started,
            ok,
            failed + unfinished,
            failures,
            last?.Replies ?? 0,
            last?.Open ?? 0,
            elapsed,
            null,
            new LongHistogram(LoadRecorder.HighestMicros, 3),
            []);
    }

    /// <summary>A finished worker's part, its histogram decoded.</summary>
    public static WorkerOutcome Finished(string address, int index, LoadShare share, ShareResult result)
    {
        var histogram = HistogramCodec.Decode(result.Histogram);
        return new WorkerOutcome(
            address,
            index,
            share,
            null,
            result.Started,
            result.Ok,
            result.Failed,
            result.Failures,
            histogram.TotalCount,
            result.PeakOpen,
            result.Elapsed,
            result.EndedBy,
            histogram,
            result.Timeline);
    }

    /// <summary>
    /// Second i of the run is second i of every worker: counts and open connections summed. Its
    /// latency figures are the highest any worker saw in that second (the workers send each
    /// second's summary, not its histogram); the run's own percentiles are exact.
    /// </summary>
    public static ImmutableArray<LoadSample> MergeTimelines(IReadOnlyList<IReadOnlyList<LoadSample>> timelines)
    {
        var length = timelines.Count == 0 ? 0 : timelines.Max(t => t.Count);
        var merged = ImmutableArray.CreateBuilder<LoadSample>(length);
        for (var i = 0; i < length; i++)
        {
            var at = timelines.Where(t => t.Count > i).Select(t => t[i]).ToList();
            var replies = at.Select(s => s.Reply).OfType<LatencySummary>().ToList();
            merged.Add(new LoadSample(
                at.Max(s => s.End),
                at.Max(s => s.Length),
                at.Sum(s => s.Replies),
                at.Sum(s => s.Ok),
                at.Sum(s => s.Failed),
                at.Sum(s => s.Open),
                replies.Count == 0
                    ? null
                    : new LatencySummary(
                        replies.Sum(r => r.Count),
                        replies.Max(r => r.P50),
                        replies.Max(r => r.P90),
                        replies.Max(r => r.P99),
                        replies.Max(r => r.P999),
                        replies.Max(r => r.Max),
                        replies.Sum(r => r.Mean * r.Count) / Math.Max(1, replies.Sum(r => r.Count)))));
        }

        return merged.MoveToImmutable();
    }
}
