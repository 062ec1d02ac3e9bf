using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace AkkaSockets.Dispatch;

/// <summary>
/// An Akka scheduler on .NET's timer queue. Akka's default hashed-wheel scheduler refuses a tick
/// below 10 ms, which adds 0–10 ms to every reply delay; .NET timers fire within about a
/// millisecond. Each scheduled item is one <see cref="Timer"/>; cancelling it disposes the timer
/// at once, so a cancelled idle timer does not linger for its whole delay.
/// </summary>
public sealed class PreciseScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider, IDisposable
{
    private readonly ConcurrentDictionary<Entry, byte> _live = new();
    private volatile bool _disposed;

    public PreciseScheduler(Config scheduler, ILoggingAdapter log)
        : base(scheduler, log)
    {
    }

    private static readonly System.Diagnostics.Stopwatch Clock = System.Diagnostics.Stopwatch.StartNew();

    public override TimeSpan MonotonicClock => Clock.Elapsed;

    public override TimeSpan HighResMonotonicClock => Clock.Elapsed;

    protected override DateTimeOffset TimeNow => DateTimeOffset.UtcNow;

    public void Dispose()
    {
        _disposed = true;
        foreach (var entry in _live.Keys)
            entry.Stop();
    }

    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Start(delay, Timeout.InfiniteTimeSpan, new Tell(receiver, message, sender), cancelable);

    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Start(initialDelay, interval, new Tell(receiver, message, sender), cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Start(delay, Timeout.InfiniteTimeSpan, new ActionRunnable(action), cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Start(delay, Timeout.InfiniteTimeSpan, action, cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Start(initialDelay, interval, new ActionRunnable(action), cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Start(initialDelay, interval, action, cancelable);

    private void Start(TimeSpan delay, TimeSpan interval, IRunnable work, ICancelable? cancelable)
    {
        if (_disposed || cancelable?.IsCancellationRequested == true)
            return;
        var entry = new Entry(this, work, cancelable, repeat: interval != Timeout.InfiniteTimeSpan);
        _live.TryAdd(entry, 0);
        entry.Arm(delay, interval);
    }

    private void Run(IRunnable work)
    {
        try
        {
            work.Run();
        }
        catch (Exception e)
        {
            Log.Error(e, "Exception while running a scheduled task");
        }
    }

    private sealed class Tell : IRunnable
    {
        private readonly ICanTell _receiver;
        private readonly object _message;
        private readonly IActorRef _sender;

        public Tell(ICanTell receiver, object message, IActorRef sender)
        {
            _receiver = receiver;
            _message = message;
            _sender = sender;
        }

        public void Run() => _receiver.Tell(_message, _sender);

        public void Execute() => Run();
    }

    private sealed class Entry : IDisposable
    {
        private readonly PreciseScheduler _owner;
        private readonly IRunnable _work;
        private readonly ICancelable? _cancelable;
        private readonly bool _repeat;
        private Timer? _timer;
        private CancellationTokenRegistration _registration;
        private int _stopped;

        public Entry(PreciseScheduler owner, IRunnable work, ICancelable? cancelable, bool repeat)
        {
            _owner = owner;
            _work = work;
            _cancelable = cancelable;
            _repeat = repeat;
        }

        public void Arm(TimeSpan delay, TimeSpan interval)
        {
            // Created disarmed so a zero delay cannot fire before the fields are set.
            _timer = new Timer(static s => ((Entry)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (_cancelable is not null)
                _registration = _cancelable.Token.UnsafeRegister(static s => ((Entry)s!).Stop(), this);
            if (Volatile.Read(ref _stopped) == 0)
                _timer.Change(delay, interval);
        }

        public void Dispose() => Stop();

        public void Stop()
        {
            if (Interlocked.Exchange(ref _stopped, 1) != 0)
                return;
            _timer?.Dispose();
            _registration.Dispose();
            _owner._live.TryRemove(this, out _);
        }

        private void Fire()
        {
            if (Volatile.Read(ref _stopped) != 0 || _cancelable?.IsCancellationRequested == true)
            {
                Stop();
                return;
            }

            _owner.Run(_work);
            if (!_repeat)
                Stop();
        }
    }
}
