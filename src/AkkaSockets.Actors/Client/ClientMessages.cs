using System.Collections.Immutable;
using System.Net;

namespace AkkaSockets.Actors.Client;

/// <summary>The session's TCP connection is up. Sent in every mode (load counts open connections).</summary>
public sealed record SessionConnected(int Session, EndPoint Remote);

/// <summary>The whole welcome arrived. Sent only when the session reports each step.</summary>
public sealed record WelcomeReceived(int Session, string Text);

/// <summary>A whole reply arrived; latency runs from sending the name to its last byte.</summary>
public sealed record ReplyReceived(int Session, int Index, string Text, TimeSpan Latency);

/// <summary>Every reply arrived and <c>exit</c> was sent. Carries the reply latencies in microseconds.</summary>
public sealed record SessionCompleted(int Session, ImmutableArray<long> LatencyMicros);

/// <summary>
/// The session ended without completing. <paramref name="Connected"/> says whether it had a
/// connection; <paramref name="LatencyMicros"/> holds the replies that did arrive.
/// </summary>
public sealed record SessionFailed(int Session, SessionFailure Cause, string Detail, bool Connected, ImmutableArray<long> LatencyMicros);
