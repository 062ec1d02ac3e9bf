using System.Collections.Immutable;
using HdrHistogram;

namespace AkkaSockets.Actors.Client;

/// <summary>Ends a load run now (Ctrl+C): unfinished sessions count as cancelled; answered with the <see cref="LoadReport"/>.</summary>
public sealed record StopLoad
{
    public static readonly StopLoad Instance = new();

    private StopLoad()
    {
    }
}

/// <summary>One reply of a load session arrived, in microseconds from sending the name to its last byte.</summary>
public sealed record SessionReplied(long LatencyMicros);

/// <summary>Sent to the observer every progress interval.</summary>
/// <param name="Sessions">Sessions planned, or null when the run is bounded by its duration only.</param>
/// <param name="Duration">How long sessions keep starting, when the run has a duration.</param>
public sealed record LoadProgress(int? Sessions, int Started, int Open, long Ok, long Failed, long Replies, TimeSpan Elapsed, TimeSpan? Duration)
{
    /// <summary>Failed sessions so far by cause (kebab-case text); empty when none failed.</summary>
    public IReadOnlyDictionary<string, long> Failures { get; init; } = ImmutableDictionary<string, long>.Empty;

    public long Ended => Ok + Failed;
}

/// <summary>Latency percentiles in milliseconds, read from an HdrHistogram at microsecond resolution.</summary>
public sealed record LatencySummary(long Count, double P50, double P90, double P99, double P999, double Max, double Mean)
{
    /// <summary>The summary of a histogram, or null when it recorded nothing.</summary>
    public static LatencySummary? Of(HistogramBase micros)
    {
        if (micros.TotalCount == 0)
            return null;
        static double Ms(long value) => value / 1000.0;
        return new LatencySummary(
            micros.TotalCount,
            Ms(micros.GetValueAtPercentile(50)),
            Ms(micros.GetValueAtPercentile(90)),
            Ms(micros.GetValueAtPercentile(99)),
            Ms(micros.GetValueAtPercentile(99.9)),
            Ms(micros.GetMaxValue()),
            micros.GetMean() / 1000.0);
    }

    /// <summary>Every figure less a fixed amount (the server's expected reply delay).</summary>
    public LatencySummary Minus(TimeSpan amount)
    {
        var ms = amount.TotalMilliseconds;
        return this with { P50 = P50 - ms, P90 = P90 - ms, P99 = P99 - ms, P999 = P999 - ms, Max = Max - ms, Mean = Mean - ms };
    }
}

/// <summary>One second (or the last part of one) of a run: what ended in it and the latency of its replies.</summary>
/// <param name="End">Time since the start at the end of the interval.</param>
/// <param name="Reply">Latency of the replies that arrived in the interval; null if none did.</param>
public sealed record LoadSample(TimeSpan End, TimeSpan Length, long Replies, long Ok, long Failed, int Open, LatencySummary? Reply)
{
    public double RepliesPerSecond => Length > TimeSpan.Zero ? Replies / Length.TotalSeconds : 0;

    public double SessionsPerSecond => Length > TimeSpan.Zero ? Ok / Length.TotalSeconds : 0;
}

/// <summary>How a load run ended.</summary>
public enum LoadEnd
{
    /// <summary>Every planned session ended.</summary>
    Completed,

    /// <summary>The duration passed and the sessions running then ended.</summary>
    Duration,

    /// <summary>The hard cap cut the run short.</summary>
    MaxDuration,

    /// <summary>Stopped from outside (Ctrl+C).</summary>
    Interrupted,
}

/// <summary>The outcome of a load run, sent to the observer once when it ends.</summary>
/// <param name="Started">Sessions started; of the planned ones, the rest never started.</param>
/// <param name="Failures">Failed sessions by cause (kebab-case text), including <c>cancelled</c> ones.</param>
/// <param name="Reply">Reply latency; null when no reply was recorded.</param>
/// <param name="Histogram">Every reply latency in microseconds (a copy owned by the report).</param>
/// <param name="Timeline">One sample per second of the run.</param>
public sealed record LoadReport(
    LoadSettings Settings,
    int Started,
    long Ok,
    long Failed,
    ImmutableSortedDictionary<string, long> Failures,
    LatencySummary? Reply,
    TimeSpan Elapsed,
    int PeakOpen,
    LoadEnd EndedBy,
    HistogramBase Histogram,
    ImmutableArray<LoadSample> Timeline)
{
    public long Replies => Histogram.TotalCount;

    /// <summary>Planned sessions that never started (the run was stopped or capped first).</summary>
    public long NotStarted => Settings.Sessions is { } planned ? Math.Max(0, planned - Started) : 0;

    public double SessionsPerSecond => Elapsed > TimeSpan.Zero ? Ok / Elapsed.TotalSeconds : 0;

    public double RepliesPerSecond => Elapsed > TimeSpan.Zero ? Replies / Elapsed.TotalSeconds : 0;

    public LatencySummary? OverDelay => Reply?.Minus(Settings.ExpectDelay);

    public bool Interrupted => EndedBy == LoadEnd.Interrupted;

    public bool Cut => EndedBy is LoadEnd.Interrupted or LoadEnd.MaxDuration;
}

public static class LoadEndText
{
    public static string ToText(this LoadEnd end) => end switch
    {
        LoadEnd.Completed => "completed",
        LoadEnd.Duration => "duration",
        LoadEnd.MaxDuration => "max-duration",
        _ => "interrupted",
    };
}
