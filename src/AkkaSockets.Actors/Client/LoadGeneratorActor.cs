using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using AkkaSockets.Actors.Dispatch;

namespace AkkaSockets.Actors.Client;

/// <summary>
/// Runs many <see cref="GreetingClientActor"/> sessions: at most <c>connections</c> at a time,
/// started at <c>ramp</c> per second, until <c>sessions</c> have ended or, with a
/// <c>duration</c>, until it has passed and the sessions running then have ended. The
/// <c>max-duration</c> cap and <see cref="StopLoad"/> end it at once. Each reply is recorded
/// when it arrives (<see cref="SessionReplied"/>), so a run cut short still reports every reply
/// it saw.
/// </summary>
public sealed class LoadGeneratorActor : UntypedActor, IWithTimers
{
    private static readonly object CapKey = new();
    private static readonly object DurationKey = new();
    private static readonly object ProgressKey = new();
    private static readonly object RampKey = new();
    private static readonly object SampleKey = new();

    // Connects start in small batches every 10 ms rather than in one burst per second.
    private static readonly TimeSpan RampInterval = TimeSpan.FromMilliseconds(10);

    // The over-time charts plot one point per second.
    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    private readonly ClientSession _session;
    private readonly LoadSettings _load;
    private readonly IActorRef _observer;
    private readonly LoadMetrics? _metrics;
    private readonly LoadRecorder _recorder = new();
    private readonly Dictionary<SessionFailure, long> _failures = [];

    // Sessions live under these rather than under the coordinator itself (see ChildGroupActor).
    private readonly ChildGroups _groups = new(128, "sessions");

    private Phase _phase = Phase.Starting;
    private long _startedAt;
    private int _started;
    private int _active;
    private int _open;
    private int _peakOpen;
    private long _ok;
    private long _failed;
    private LoadReport? _report;

    public LoadGeneratorActor(ClientSession session, LoadSettings load, IActorRef observer, LoadMetrics? metrics)
    {
        _session = session with { Think = load.Think };
        _load = load;
        _observer = observer;
        _metrics = metrics;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ClientSession session, LoadSettings load, IActorRef observer, LoadMetrics? metrics = null) =>
        Akka.Actor.Props.Create(() => new LoadGeneratorActor(session, load, observer, metrics));

    // A session that throws is stopped; its PostStop still reports its outcome.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        _startedAt = Stopwatch.GetTimestamp();
        if (_load.MaxDuration is { } cap)
            Timers.StartSingleTimer(CapKey, MaxDurationReached.Instance, cap);
        if (_load.Duration is { } duration)
            Timers.StartSingleTimer(DurationKey, DurationOver.Instance, duration);
        Timers.StartPeriodicTimer(ProgressKey, ProgressTick.Instance, _load.ProgressInterval);
        Timers.StartPeriodicTimer(SampleKey, SampleTick.Instance, SampleInterval);
        if (_load.Ramp is not null)
            Timers.StartPeriodicTimer(RampKey, RampTick.Instance, RampInterval);
        StartDue();
    }

    protected override void OnReceive(object message)
    {
        if (_phase == Phase.Finished)
        {
            // Sessions stopped at the end still report; the run is already counted.
            if (message is StopLoad)
                Sender.Tell(_report);
            return;
        }

        switch (message)
        {
            case SessionReplied replied:
                _recorder.Reply(replied.LatencyMicros);
                _metrics?.Reply(replied.LatencyMicros);
                break;
            case SessionConnected:
                _open++;
                _metrics?.Opened();
                if (_open > _peakOpen)
                    _peakOpen = _open;
                break;
            case SessionCompleted:
                _ok++;
                Closed();
                _recorder.SessionEnded(ok: true);
                _metrics?.SessionsEnded("ok");
                SessionEnded();
                break;
            case SessionFailed failed:
                _failed++;
                _failures[failed.Cause] = _failures.GetValueOrDefault(failed.Cause) + 1;
                if (failed.Connected)
                    Closed();
                _recorder.SessionEnded(ok: false);
                _metrics?.SessionsEnded(failed.Cause.ToText());
                SessionEnded();
                break;
            case RampTick:
                StartDue();
                if (_started >= (_load.Sessions ?? int.MaxValue))
                    Timers.Cancel(RampKey);
                break;
            case ProgressTick:
                _observer.Tell(new LoadProgress(_load.Sessions, _started, _open, _ok, _failed, _recorder.Replies, Elapsed(), _load.Duration)
                {
                    Failures = _failures.Count == 0
                        ? ImmutableDictionary<string, long>.Empty
                        : _failures.ToImmutableDictionary(p => p.Key.ToText(), p => p.Value, StringComparer.Ordinal),
                });
                break;
            case SampleTick:
                _recorder.Sample(Elapsed(), _open);
                break;
            case DurationOver:
                _phase = Phase.Draining;
                Timers.Cancel(RampKey);
                if (_active == 0)
                    Finish(LoadEnd.Duration);
                break;
            case MaxDurationReached:
                Finish(LoadEnd.MaxDuration);
                break;
            case StopLoad:
                Finish(LoadEnd.Interrupted);
                Sender.Tell(_report);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Closed()
    {
        _open--;
        _metrics?.Closed();
    }

    private void SessionEnded()
    {
        _active--;
        if (_load.Sessions is { } planned && _ok + _failed >= planned)
            Finish(LoadEnd.Completed);
        else if (_phase == Phase.Draining && _active == 0)
            Finish(_load.Duration is null ? LoadEnd.Completed : LoadEnd.Duration);
        else
            StartDue();
    }

    private void StartDue()
    {
        if (_phase != Phase.Starting)
            return;
        var due = _load.Sessions ?? int.MaxValue;
        if (_load.Ramp is { } perSecond)
            due = (int)Math.Min(due, 1 + (long)(perSecond * Elapsed().TotalSeconds));
        while (_started < due && _active < _load.Connections)
        {
            _groups.Start(Context, GreetingClientActor.Props(_session, _started, Self));
            _started++;
            _active++;
        }
    }

    private void Finish(LoadEnd endedBy)
    {
        // Sessions still running are stopped now: they count as cancelled.
        if (_active > 0)
        {
            _failures[SessionFailure.Cancelled] = _failures.GetValueOrDefault(SessionFailure.Cancelled) + _active;
            _failed += _active;
            _metrics?.SessionsEnded(SessionFailure.Cancelled.ToText(), _active);
            _metrics?.Closed(_open);
        }

        var elapsed = Elapsed();
        _recorder.Sample(elapsed, _open);
        _report = new LoadReport(
            _load,
            _started,
            _ok,
            _failed,
            _failures.ToImmutableSortedDictionary(p => p.Key.ToText(), p => p.Value, StringComparer.Ordinal),
            _recorder.Summary(),
            elapsed,
            _peakOpen,
            endedBy,
            _recorder.Snapshot(),
            _recorder.Timeline());
        _phase = Phase.Finished;
        Timers.CancelAll();
        _groups.StopAll();
        _observer.Tell(_report);
    }

    private TimeSpan Elapsed() => Stopwatch.GetElapsedTime(_startedAt);

    private enum Phase
    {
        /// <summary>Starting sessions as connections free up.</summary>
        Starting,

        /// <summary>The duration has passed: no new sessions; the running ones finish.</summary>
        Draining,

        /// <summary>The report is out; late outcomes of stopped sessions are ignored.</summary>
        Finished,
    }

    private sealed class MaxDurationReached
    {
        public static readonly MaxDurationReached Instance = new();
    }

    private sealed class DurationOver
    {
        public static readonly DurationOver Instance = new();
    }

    private sealed class ProgressTick
    {
        public static readonly ProgressTick Instance = new();
    }

    private sealed class RampTick
    {
        public static readonly RampTick Instance = new();
    }

    private sealed class SampleTick
    {
        public static readonly SampleTick Instance = new();
    }
}
