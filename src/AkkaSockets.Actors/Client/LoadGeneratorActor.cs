using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using AkkaSockets.Actors.Dispatch;
using HdrHistogram;

namespace AkkaSockets.Actors.Client;

/// <summary>
/// Runs many <see cref="GreetingClientActor"/> sessions: at most <c>connections</c> at a time,
/// <c>sessions</c> in all, started at <c>ramp</c> per second, and stops by itself at the
/// <c>duration</c> cap. Each session sends it two messages (connected, outcome) and carries its
/// reply latencies in the outcome, so the coordinator sees no message per reply.
/// </summary>
public sealed class LoadGeneratorActor : UntypedActor, IWithTimers
{
    private static readonly object CapKey = new();
    private static readonly object ProgressKey = new();
    private static readonly object RampKey = new();

    // Connects start in small batches every 10 ms rather than in one burst per second.
    private static readonly TimeSpan RampInterval = TimeSpan.FromMilliseconds(10);

    // Microseconds: one hour is far above any reply timeout.
    private const long HighestMicros = 3_600_000_000;

    private readonly ClientSession _session;
    private readonly LoadSettings _load;
    private readonly IActorRef _observer;
    private readonly LongHistogram _latency = new(HighestMicros, 3);
    private readonly Dictionary<SessionFailure, long> _failures = [];

    // Sessions live under these rather than under the coordinator itself (see ChildGroupActor).
    private readonly ChildGroups _groups = new(128, "sessions");

    private long _startedAt;
    private int _started;
    private int _active;
    private int _open;
    private int _peakOpen;
    private long _ok;
    private long _failed;
    private LoadReport? _report;

    public LoadGeneratorActor(ClientSession session, LoadSettings load, IActorRef observer)
    {
        _session = session;
        _load = load;
        _observer = observer;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ClientSession session, LoadSettings load, IActorRef observer) =>
        Akka.Actor.Props.Create(() => new LoadGeneratorActor(session, load, observer));

    // A session that throws is stopped; its PostStop still reports its outcome.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        _startedAt = Stopwatch.GetTimestamp();
        Timers.StartSingleTimer(CapKey, DurationCap.Instance, _load.Duration);
        Timers.StartPeriodicTimer(ProgressKey, ProgressTick.Instance, _load.ProgressInterval);
        if (_load.Ramp is not null)
            Timers.StartPeriodicTimer(RampKey, RampTick.Instance, RampInterval);
        StartDue();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case SessionConnected:
                _open++;
                if (_open > _peakOpen)
                    _peakOpen = _open;
                break;
            case SessionCompleted completed:
                Record(completed.LatencyMicros);
                _ok++;
                _open--;
                SessionEnded();
                break;
            case SessionFailed failed:
                Record(failed.LatencyMicros);
                _failed++;
                _failures[failed.Cause] = _failures.GetValueOrDefault(failed.Cause) + 1;
                if (failed.Connected)
                    _open--;
                SessionEnded();
                break;
            case RampTick:
                StartDue();
                if (_started >= _load.Sessions)
                    Timers.Cancel(RampKey);
                break;
            case ProgressTick:
                _observer.Tell(new LoadProgress(_load.Sessions, _started, _open, _ok, _failed, Elapsed()));
                break;
            case DurationCap:
                Finish("duration-cap");
                break;
            case StopLoad:
                Finish("stopped");
                Sender.Tell(_report);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Finished(object message)
    {
        // Sessions stopped at the end still report; the run is already counted.
        if (message is StopLoad)
            Sender.Tell(_report);
    }

    private void SessionEnded()
    {
        _active--;
        if (_ok + _failed >= _load.Sessions)
            Finish("completed");
        else
            StartDue();
    }

    private void StartDue()
    {
        var due = _load.Sessions;
        if (_load.Ramp is { } perSecond)
            due = (int)Math.Min(due, 1 + (long)(perSecond * Elapsed().TotalSeconds));
        while (_started < due && _active < _load.Connections)
        {
            _groups.Start(Context, GreetingClientActor.Props(_session, _started, Self));
            _started++;
            _active++;
        }
    }

    private void Record(System.Collections.Immutable.ImmutableArray<long> micros)
    {
        foreach (var value in micros)
            _latency.RecordValue(Math.Clamp(value, 0, HighestMicros));
    }

    private void Finish(string endedBy)
    {
        var cancelled = _load.Sessions - _ok - _failed;
        if (cancelled > 0)
        {
            _failures[SessionFailure.Cancelled] = _failures.GetValueOrDefault(SessionFailure.Cancelled) + cancelled;
            _failed += cancelled;
        }

        _report = new LoadReport(
            _load.Sessions,
            _ok,
            _failed,
            _failures.ToImmutableSortedDictionary(p => p.Key.ToText(), p => p.Value, StringComparer.Ordinal),
            Summarize(_latency),
            _load.ExpectDelay,
            Elapsed(),
            _peakOpen,
            endedBy);
        Timers.CancelAll();
        _groups.StopAll();
        _observer.Tell(_report);
        Become(Finished);
    }

    private TimeSpan Elapsed() => Stopwatch.GetElapsedTime(_startedAt);

    private static LatencySummary Summarize(LongHistogram histogram)
    {
        if (histogram.TotalCount == 0)
            return LatencySummary.Empty;
        static double Ms(long micros) => micros / 1000.0;
        return new LatencySummary(
            histogram.TotalCount,
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()),
            histogram.GetMean() / 1000.0);
    }

    private sealed class DurationCap
    {
        public static readonly DurationCap Instance = new();
    }

    private sealed class ProgressTick
    {
        public static readonly ProgressTick Instance = new();
    }

    private sealed class RampTick
    {
        public static readonly RampTick Instance = new();
    }
}
