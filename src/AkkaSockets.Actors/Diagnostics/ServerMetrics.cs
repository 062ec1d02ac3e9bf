using System.Diagnostics;
using System.Diagnostics.Metrics;
using AkkaSockets.Actors.Server;

namespace AkkaSockets.Actors.Diagnostics;

/// <summary>
/// The greeting server's metrics, on the <c>AkkaSockets.Server</c> meter and named the way
/// Kestrel names its own (<c>kestrel.active_connections</c>, <c>kestrel.connection.duration</c>):
/// readable by <c>dotnet-counters</c>, a <see cref="MeterListener"/>, or OpenTelemetry.
/// <para>
/// One static meter for the process: the call sites stay one line each, and every call is an
/// add to an instrument with no tags (or, once per connection, one tag whose value is a
/// constant string), so recording allocates nothing whether or not anything listens.
/// </para>
/// </summary>
public static class ServerMetrics
{
    public const string MeterName = "AkkaSockets.Server";

    private static readonly Meter Meter = new(MeterName, typeof(ServerMetrics).Assembly.GetName().Version?.ToString());

    private static readonly UpDownCounter<long> ActiveConnections = Meter.CreateUpDownCounter<long>(
        "akkasockets.server.active_connections", "{connection}", "Connections open now.");

    private static readonly Histogram<double> ConnectionDuration = Meter.CreateHistogram(
        "akkasockets.server.connection.duration", "s", "How long connections lasted, by the reason they closed.",
        tags: null,
        advice: new InstrumentAdvice<double>
        {
            // Kestrel's buckets for connection.duration: tens of milliseconds to minutes.
            HistogramBucketBoundaries = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
        });

    private static readonly Counter<long> AcceptedConnections = Meter.CreateCounter<long>(
        "akkasockets.server.accepted_connections", "{connection}", "Connections accepted and greeted.");

    private static readonly Counter<long> RejectedConnections = Meter.CreateCounter<long>(
        "akkasockets.server.rejected_connections", "{connection}", "Connections turned away with 'Server busy' (max-connections).");

    private static readonly Counter<long> Replies = Meter.CreateCounter<long>(
        "akkasockets.server.replies", "{reply}", "Greeting replies written.");

    private static readonly UpDownCounter<long> QueuedMessages = Meter.CreateUpDownCounter<long>(
        "akkasockets.server.queued_messages", "{message}", "Messages received and waiting for their reply.");

    /// <summary>A connection was accepted; returns the timestamp its duration is measured from.</summary>
    public static long ConnectionOpened()
    {
        AcceptedConnections.Add(1);
        ActiveConnections.Add(1);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>A connection ended; <paramref name="unanswered"/> messages it still held leave the queue figure.</summary>
    public static void ConnectionClosed(long openedAt, CloseReason reason, int unanswered)
    {
        ActiveConnections.Add(-1);
        MessagesDequeued(unanswered);
        if (ConnectionDuration.Enabled)
            ConnectionDuration.Record(Stopwatch.GetElapsedTime(openedAt).TotalSeconds, new KeyValuePair<string, object?>("reason", reason.ToText()));
    }

    public static void ConnectionRejected() => RejectedConnections.Add(1);

    public static void MessagesQueued(int count)
    {
        if (count != 0)
            QueuedMessages.Add(count);
    }

    public static void MessagesDequeued(int count) => MessagesQueued(-count);

    public static void ReplySent() => Replies.Add(1);
}
