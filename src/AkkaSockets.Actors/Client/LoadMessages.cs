using System.Collections.Immutable;

namespace AkkaSockets.Actors.Client;

/// <summary>Ends a load run now (Ctrl+C): unfinished sessions count as cancelled; answered with the <see cref="LoadReport"/>.</summary>
public sealed record StopLoad
{
    public static readonly StopLoad Instance = new();

    private StopLoad()
    {
    }
}

/// <summary>Sent to the observer every progress interval.</summary>
public sealed record LoadProgress(int Sessions, int Started, int Open, long Ok, long Failed, TimeSpan Elapsed);

/// <summary>Latency percentiles in milliseconds, read from an HdrHistogram at microsecond resolution.</summary>
public sealed record LatencySummary(long Count, double P50, double P90, double P99, double P999, double Max, double Mean)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>Every figure less a fixed amount (the server's expected reply delay).</summary>
    public LatencySummary Minus(TimeSpan amount)
    {
        if (Count == 0)
            return this;
        var ms = amount.TotalMilliseconds;
        return this with { P50 = P50 - ms, P90 = P90 - ms, P99 = P99 - ms, P999 = P999 - ms, Max = Max - ms, Mean = Mean - ms };
    }
}

/// <summary>The outcome of a load run, sent to the observer once when it ends.</summary>
/// <param name="Failures">Failed sessions by cause (kebab-case text), including <c>cancelled</c> ones.</param>
/// <param name="EndedBy">completed, duration-cap or stopped.</param>
public sealed record LoadReport(
    int Sessions,
    long Ok,
    long Failed,
    ImmutableSortedDictionary<string, long> Failures,
    LatencySummary Reply,
    TimeSpan ExpectDelay,
    TimeSpan Elapsed,
    int PeakOpen,
    string EndedBy)
{
    public double SessionsPerSecond => Elapsed > TimeSpan.Zero ? Ok / Elapsed.TotalSeconds : 0;

    public LatencySummary OverDelay => Reply.Minus(ExpectDelay);
}
