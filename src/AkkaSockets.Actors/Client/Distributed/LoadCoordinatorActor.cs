using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using AkkaSockets.Actors.Cluster;

namespace AkkaSockets.Actors.Client.Distributed;

/// <summary>
/// The coordinator of a distributed load run, on a cluster node of role
/// <see cref="ClusterNode.LoadCoordinatorRole"/>. It waits (bounded) until enough
/// <see cref="ClusterNode.LoadWorkerRole"/> members are up, gives each its <see cref="LoadShare"/>,
/// sends the observer one combined <see cref="LoadProgress"/> per interval, and when every worker
/// has sent its result or is lost, one merged <see cref="LoadReport"/>; whoever asked with
/// <see cref="AwaitDistributedResult"/> gets the <see cref="DistributedLoadResult"/> (or
/// <see cref="WorkersMissing"/>). A worker that becomes unreachable, is removed, or whose share
/// actor stops without a result is lost: the coordinator downs an unreachable one, so the rest of
/// the cluster settles without it, and counts its unfinished sessions as <c>worker-lost</c>.
/// </summary>
public sealed class LoadCoordinatorActor : UntypedActor, IWithTimers
{
    private static readonly object WaitKey = new();
    private static readonly object ProgressKey = new();
    private static readonly object AnswerKey = new();
    private static readonly object StopKey = new();

    private readonly LoadShare _whole;
    private readonly LoadSettings _plan;
    private readonly int _wanted;
    private readonly TimeSpan _wait;
    private readonly TimeSpan _stopGrace;
    private readonly IActorRef _observer;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SortedSet<Address> _candidates = new(Member.AddressOrdering);
    private readonly List<Worker> _workers = [];
    private readonly List<IActorRef> _askers = [];
    private readonly string _runId = Guid.NewGuid().ToString("N");

    private Phase _phase = Phase.Waiting;
    private long _startedAt = Stopwatch.GetTimestamp();
    private bool _interrupted;
    private object? _result;

    /// <param name="whole">The whole run, split among the workers.</param>
    /// <param name="wait">How long to wait for the workers to be members, and for each to answer its share.</param>
    /// <param name="stopGrace">After a stop, how long a worker has to send its result before it counts as lost.</param>
    public LoadCoordinatorActor(LoadShare whole, int workers, TimeSpan wait, TimeSpan stopGrace, IActorRef observer)
    {
        _whole = whole;
        _plan = whole.Load();
        _wanted = workers;
        _wait = wait;
        _stopGrace = stopGrace;
        _observer = observer;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(LoadShare whole, int workers, TimeSpan wait, IActorRef observer, TimeSpan? stopGrace = null) =>
        Akka.Actor.Props.Create(() => new LoadCoordinatorActor(whole, workers, wait, stopGrace ?? TimeSpan.FromSeconds(10), observer));

    protected override void PreStart()
    {
        _cluster.Subscribe(
            Self,
            ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent),
            typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartSingleTimer(WaitKey, WaitOver.Instance, _wait);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case AwaitDistributedResult:
                if (_result is null)
                    _askers.Add(Sender);
                else
                    Sender.Tell(_result);
                return;
            case ClusterEvent.MemberUp up when _phase == Phase.Waiting:
                if (up.Member.HasRole(ClusterNode.LoadWorkerRole))
                    _candidates.Add(up.Member.Address);
                if (_candidates.Count >= _wanted)
                    Dispatch();
                return;
            case ClusterEvent.UnreachableMember unreachable:
                _candidates.Remove(unreachable.Member.Address);
                if (Lose(unreachable.Member.Address, "unreachable"))
                    _cluster.Down(unreachable.Member.Address);
                return;
            case ClusterEvent.MemberRemoved removed:
                _candidates.Remove(removed.Member.Address);
                Lose(removed.Member.Address, "removed from the cluster");
                return;
            case ClusterEvent.MemberLeft or ClusterEvent.MemberExited or ClusterEvent.MemberDowned:
                _candidates.Remove(((ClusterEvent.MemberStatusChange)message).Member.Address);
                return;
            case ClusterEvent.IMemberEvent or ClusterEvent.IReachabilityEvent:
                return;
        }

        if (_phase == Phase.Finished)
            return;

        switch (message)
        {
            case WaitOver when _phase == Phase.Waiting:
                Missing(interrupted: false);
                break;
            case StopLoad when _phase == Phase.Waiting:
                Missing(interrupted: true);
                break;
            case ShareStarted started when Mine(started.RunId, started.Index) is { } worker:
                worker.Share = Sender;
                Context.Watch(Sender);
                if (_phase == Phase.Stopping)
                    Sender.Tell(new CancelShare(_runId));
                if (_workers.All(w => w.Share is not null || w.Outcome is not null))
                    Timers.Cancel(AnswerKey);
                break;
            case ShareProgress progress when Mine(progress.RunId, progress.Index) is { Outcome: null } worker:
                worker.Progress = progress;
                break;
            case ShareResult result when Mine(result.RunId, result.Index) is { Outcome: null } worker:
                worker.Outcome = DistributedMerge.Finished(worker.Address.ToString(), worker.Index, worker.Part, result);
                if (worker.Share is not null)
                    Context.Unwatch(worker.Share);
                FinishIfDone();
                break;
            case Terminated terminated:
                if (_workers.FirstOrDefault(w => terminated.ActorRef.Equals(w.Share)) is { } gone)
                    Lose(gone.Address, terminated.AddressTerminated ? "unreachable" : "its share stopped without a result");
                break;
            case ProgressTick:
                _observer.Tell(Progress());
                break;
            case NoAnswer:
                foreach (var silent in _workers.Where(w => w.Share is null && w.Outcome is null).ToList())
                    Lose(silent.Address, $"did not take its share within {_wait.TotalSeconds:0.#} s");
                break;
            case StopLoad:
                Stop();
                break;
            case StopOver:
                foreach (var late in _workers.Where(w => w.Outcome is null).ToList())
                    Lose(late.Address, $"sent no result within {_stopGrace.TotalSeconds:0.#} s of the stop");
                break;
            case ShareStarted or ShareProgress or ShareResult or WaitOver:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private Worker? Mine(string runId, int index) =>
        runId == _runId && index >= 0 && index < _workers.Count ? _workers[index] : null;

    private void Dispatch()
    {
        Timers.Cancel(WaitKey);
        var shares = _whole.Split(_wanted);
        var chosen = _candidates.Take(_wanted).ToList();
        _startedAt = Stopwatch.GetTimestamp();
        for (var i = 0; i < chosen.Count; i++)
        {
            _workers.Add(new Worker(chosen[i], i, shares[i]));
            Context.ActorSelection(LoadWorkerPath.On(chosen[i])).Tell(new RunShare(_runId, i, shares[i]));
            _log.Info("Share {0} of run {1} to {2}: {3} connections, {4} sessions", i, _runId, chosen[i], shares[i].Connections, shares[i].Sessions);
        }

        _phase = Phase.Running;
        Timers.StartPeriodicTimer(ProgressKey, ProgressTick.Instance, _plan.ProgressInterval);
        Timers.StartSingleTimer(AnswerKey, NoAnswer.Instance, _wait);
    }

    /// <summary>Counts a worker of this run that has not finished as lost; false if it is not one.</summary>
    private bool Lose(Address address, string how)
    {
        if (_phase is not (Phase.Running or Phase.Stopping)
            || _workers.FirstOrDefault(w => w.Address.Equals(address)) is not { Outcome: null } worker)
            return false;
        _log.Warning("Worker {0} lost ({1}); its unfinished sessions count as {2}", address, how, DistributedMerge.WorkerLost);
        worker.Outcome = DistributedMerge.Lost(address.ToString(), worker.Index, worker.Part, worker.Progress, how, Elapsed());
        if (worker.Share is not null)
            Context.Unwatch(worker.Share);
        FinishIfDone();
        return true;
    }

    private void Stop()
    {
        _interrupted = true;
        if (_phase != Phase.Running)
            return;
        _phase = Phase.Stopping;
        foreach (var worker in _workers.Where(w => w.Outcome is null))
        {
            if (worker.Share is { } share)
                share.Tell(new CancelShare(_runId));
            else
                Context.ActorSelection(LoadWorkerPath.On(worker.Address)).Tell(new CancelShare(_runId));
        }

        Timers.StartSingleTimer(StopKey, StopOver.Instance, _stopGrace);
    }

    private void FinishIfDone()
    {
        if (_workers.Any(w => w.Outcome is null))
            return;
        var outcomes = _workers.Select(w => w.Outcome!).ToImmutableArray();
        var report = DistributedMerge.Merge(_plan, outcomes, _interrupted, Elapsed());
        _observer.Tell(report);
        Answer(new DistributedLoadResult(report, outcomes));
    }

    private void Missing(bool interrupted) =>
        Answer(new WorkersMissing(_candidates.Count, _wanted, Elapsed(), interrupted));

    private void Answer(object result)
    {
        _phase = Phase.Finished;
        _result = result;
        Timers.CancelAll();
        foreach (var asker in _askers)
            asker.Tell(result);
        _askers.Clear();
    }

    private LoadProgress Progress()
    {
        long ok = 0, failed = 0, replies = 0;
        int started = 0, open = 0;
        var failures = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var worker in _workers)
        {
            var (s, o, k, f, r, byCause) = worker.Outcome is { } done
                ? (done.Started, 0, done.Ok, done.Failed, done.Replies, done.Failures)
                : worker.Progress is { } p
                    ? (p.Started, p.Open, p.Ok, p.Failed, p.Replies, p.Failures)
                    : (0, 0, 0L, 0L, 0L, (IReadOnlyDictionary<string, long>)ImmutableDictionary<string, long>.Empty);
            started += s;
            open += o;
            ok += k;
            failed += f;
            replies += r;
            foreach (var (cause, count) in byCause)
                failures[cause] = failures.GetValueOrDefault(cause) + count;
        }

        return new LoadProgress(_plan.Sessions, started, open, ok, failed, replies, Elapsed(), _plan.Duration) { Failures = failures };
    }

    private TimeSpan Elapsed() => Stopwatch.GetElapsedTime(_startedAt);

    private enum Phase
    {
        /// <summary>Waiting for enough workers to be members.</summary>
        Waiting,

        /// <summary>The shares are out; results and progress come in.</summary>
        Running,

        /// <summary>Stopped from outside: the workers were told to end their shares and send what they have.</summary>
        Stopping,

        /// <summary>The result is out.</summary>
        Finished,
    }

    /// <summary>One worker of the run; its <see cref="Outcome"/> is set once, when it finishes or is lost.</summary>
    private sealed class Worker(Address address, int index, LoadShare part)
    {
        public Address Address { get; } = address;

        public int Index { get; } = index;

        public LoadShare Part { get; } = part;

        public IActorRef? Share { get; set; }

        public ShareProgress? Progress { get; set; }

        public WorkerOutcome? Outcome { get; set; }
    }

    private sealed class WaitOver
    {
        public static readonly WaitOver Instance = new();
    }

    private sealed class NoAnswer
    {
        public static readonly NoAnswer Instance = new();
    }

    private sealed class StopOver
    {
        public static readonly StopOver Instance = new();
    }

    private sealed class ProgressTick
    {
        public static readonly ProgressTick Instance = new();
    }
}
