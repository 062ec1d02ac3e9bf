using System.Diagnostics.Metrics;

namespace AkkaSockets.Actors.Client;

/// <summary>
/// The load generator's figures through <c>System.Diagnostics.Metrics</c> (readable by
/// dotnet-counters and OpenTelemetry), named after OpenTelemetry's conventions. Recording a reply
/// allocates nothing: no tags, and a double per measurement.
/// </summary>
public sealed class LoadMetrics : IDisposable
{
    public const string MeterName = "AkkaSockets.Load";

    // Seconds, as OpenTelemetry's duration histograms; finer around the tutorial's 1 s delay.
    private static readonly double[] DurationBuckets =
        [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.01, 1.025, 1.05, 1.1, 1.25, 1.5, 2, 5, 10];

    private readonly Counter<long> _sessions;
    private readonly Counter<long> _replies;
    private readonly Histogram<double> _replyDuration;
    private readonly UpDownCounter<long> _open;

    public LoadMetrics(IMeterFactory? factory = null)
    {
        Meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _sessions = Meter.CreateCounter<long>(
            "akkasockets.load.sessions", "{session}", "Load sessions ended, by outcome (ok or the failure's cause).");
        _replies = Meter.CreateCounter<long>("akkasockets.load.replies", "{reply}", "Replies received by load sessions.");
        _replyDuration = Meter.CreateHistogram(
            "akkasockets.load.reply.duration",
            "s",
            "Time from sending a name to the last byte of its reply.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _open = Meter.CreateUpDownCounter<long>(
            "akkasockets.load.open_connections", "{connection}", "Load sessions with an open connection.");
    }

    public Meter Meter { get; }

    public void Reply(long micros)
    {
        _replies.Add(1);
        _replyDuration.Record(micros / 1_000_000.0);
    }

    public void Opened() => _open.Add(1);

    public void Closed(int connections = 1) => _open.Add(-connections);

    public void SessionsEnded(string outcome, long sessions = 1) =>
        _sessions.Add(sessions, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => Meter.Dispose();
}
