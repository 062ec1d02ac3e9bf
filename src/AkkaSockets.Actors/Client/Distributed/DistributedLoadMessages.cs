using Akka.Actor;
using AkkaSockets.Actors.Cluster;
using HdrHistogram;

namespace AkkaSockets.Actors.Client.Distributed;

/// <summary>Coordinator to a worker node's <see cref="LoadWorkerActor"/>: run this share (the sender is the coordinator).</summary>
/// <param name="Index">The worker's place in the run, from 0.</param>
public sealed record RunShare(string RunId, int Index, LoadShare Share) : IClusterMessage;

/// <summary>Worker to coordinator: the share is running; the sender is the actor running it (watched).</summary>
public sealed record ShareStarted(string RunId, int Index) : IClusterMessage;

/// <summary>Worker to coordinator, every few hundred milliseconds: the share's counts so far.</summary>
public sealed record ShareProgress(
    string RunId,
    int Index,
    int Started,
    int Open,
    long Ok,
    long Failed,
    long Replies,
    IReadOnlyDictionary<string, long> Failures) : IClusterMessage;

/// <summary>Worker to coordinator, once: how the share ended, with every reply latency in <see cref="Histogram"/> (HdrHistogram's compressed encoding).</summary>
public sealed record ShareResult(
    string RunId,
    int Index,
    int Started,
    long Ok,
    long Failed,
    IReadOnlyDictionary<string, long> Failures,
    int PeakOpen,
    TimeSpan Elapsed,
    LoadEnd EndedBy,
    byte[] Histogram,
    IReadOnlyList<LoadSample> Timeline) : IClusterMessage;

/// <summary>Coordinator to worker: end the share now (Ctrl+C on the coordinator); the worker still sends its result.</summary>
public sealed record CancelShare(string RunId) : IClusterMessage;

/// <summary>Asks the coordinator for the run's outcome: answered with <see cref="DistributedLoadResult"/> or <see cref="WorkersMissing"/> when there is one.</summary>
public sealed record AwaitDistributedResult
{
    public static readonly AwaitDistributedResult Instance = new();

    private AwaitDistributedResult()
    {
    }
}

/// <summary>Fewer workers than asked for were members when the wait ended (or it was interrupted).</summary>
public sealed record WorkersMissing(int Found, int Wanted, TimeSpan Waited, bool Interrupted);

/// <summary>
/// One worker's part of a finished run. A lost worker (<see cref="Lost"/> says how) counts what its
/// last progress said; its unfinished sessions are <c>worker-lost</c> failures and its replies are
/// not in <see cref="Histogram"/>.
/// </summary>
public sealed record WorkerOutcome(
    string Address,
    int Index,
    LoadShare Share,
    string? Lost,
    int Started,
    long Ok,
    long Failed,
    IReadOnlyDictionary<string, long> Failures,
    long Replies,
    int PeakOpen,
    TimeSpan Elapsed,
    LoadEnd? EndedBy,
    HistogramBase Histogram,
    IReadOnlyList<LoadSample> Timeline)
{
    public LatencySummary? Reply => LatencySummary.Of(Histogram);
}

/// <summary>A distributed run's merged report (the same shape as one process's) and its per-worker parts.</summary>
public sealed record DistributedLoadResult(LoadReport Report, IReadOnlyList<WorkerOutcome> Workers);

/// <summary>Internal to a worker node: end every running share (the node is stopping); answered with <see cref="SharesEnded"/>.</summary>
public sealed record EndShares
{
    public static readonly EndShares Instance = new();

    private EndShares()
    {
    }
}

/// <summary>Every share of a worker node has ended and sent its result.</summary>
public sealed record SharesEnded
{
    public static readonly SharesEnded Instance = new();

    private SharesEnded()
    {
    }
}

/// <summary>Where a worker node's <see cref="LoadWorkerActor"/> lives, so a coordinator can address it from a member's address.</summary>
public static class LoadWorkerPath
{
    public const string Name = "load-worker";

    public static ActorPath On(Address node) => new RootActorPath(node) / "user" / Name;
}
