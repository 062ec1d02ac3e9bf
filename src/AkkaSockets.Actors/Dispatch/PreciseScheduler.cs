using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace AkkaSockets.Actors.Dispatch;

/// <summary>
/// An Akka scheduler with 1 ms ticks. Akka's own hashed-wheel scheduler refuses a tick below
/// 10 ms, which adds 0–10 ms to every reply delay. This is a wheel too (1024 slots of 1 ms, one
/// thread), but it sleeps until the next occupied slot instead of ticking when nothing is due,
/// and a scheduled item is one small object: no .NET timer and no cancellation-token
/// registration per item, which matters when every connection arms a timer for every reply.
/// <para>
/// Cancelled items are dropped when the wheel next passes their slot (at most one turn, about
/// a second, later), so a cancelled long timer does not linger for its whole delay.
/// </para>
/// </summary>
public sealed class PreciseScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider, IDisposable
{
    private const int Slots = 1024;
    private const int SlotMask = Slots - 1;

    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    private readonly Entry?[] _wheel = new Entry?[Slots];
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 1);
    private readonly Thread _thread;
    private Entry? _incoming;
    private long _sleepingUntil = long.MinValue;
    private long _processed;
    private volatile bool _disposed;

    public PreciseScheduler(Config scheduler, ILoggingAdapter log)
        : base(scheduler, log)
    {
        _processed = NowMs();
        _thread = new Thread(Run) { IsBackground = true, Name = "akkasockets-scheduler" };
        _thread.Start();
    }

    public override TimeSpan MonotonicClock => Clock.Elapsed;

    public override TimeSpan HighResMonotonicClock => Clock.Elapsed;

    protected override DateTimeOffset TimeNow => DateTimeOffset.UtcNow;

    public void Dispose()
    {
        _disposed = true;
        _wake.Set();
    }

    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Add(new Entry(delay, TimeSpan.Zero, cancelable) { Receiver = receiver, Message = message, Sender = sender });

    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Add(new Entry(initialDelay, interval, cancelable) { Receiver = receiver, Message = message, Sender = sender });

    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Add(new Entry(delay, TimeSpan.Zero, cancelable) { Work = new ActionRunnable(action) });

    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Add(new Entry(delay, TimeSpan.Zero, cancelable) { Work = action });

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Add(new Entry(initialDelay, interval, cancelable) { Work = new ActionRunnable(action) });

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Add(new Entry(initialDelay, interval, cancelable) { Work = action });

    private static long NowMs() => Clock.ElapsedTicks * 1000 / Stopwatch.Frequency;

    /// <summary>Any thread: pushes the item for the wheel thread, waking it if it sleeps past the item's time.</summary>
    private void Add(Entry entry)
    {
        if (_disposed || entry.Cancelable?.IsCancellationRequested == true)
            return;
        Entry? head;
        do
        {
            head = Volatile.Read(ref _incoming);
            entry.Next = head;
        }
        while (Interlocked.CompareExchange(ref _incoming, entry, head) != head);

        // The exchange above is a full fence, as is the wheel thread's write of _sleepingUntil
        // before it looks at _incoming: one of the two always sees the other.
        if (entry.Due < Interlocked.Read(ref _sleepingUntil))
            _wake.Set();
    }

    private void Run()
    {
        while (!_disposed)
        {
            TakeIncoming();
            var now = NowMs();
            while (_processed < now)
            {
                _processed++;
                RunSlot(_processed);
            }

            var next = NextOccupied();
            _wake.Reset();
            Interlocked.Exchange(ref _sleepingUntil, next);
            if (Volatile.Read(ref _incoming) is null && !_disposed)
            {
                var wait = SleepMs(next, NowMs());
                if (wait != 0)
                    _wake.Wait(wait);
            }

            Interlocked.Exchange(ref _sleepingUntil, long.MinValue);
        }
    }

    /// <summary>
    /// How long the wheel thread may sleep: until the next occupied slot, for ever
    /// (<see cref="Timeout.Infinite"/>) only when the wheel is empty, and not at all when that
    /// slot is already due or past, as after a GC pause. A "past" slot must never read as -1.
    /// </summary>
    internal static int SleepMs(long nextOccupied, long now)
    {
        if (nextOccupied == long.MaxValue)
            return Timeout.Infinite;
        var wait = nextOccupied - now;
        return wait <= 0 ? 0 : (int)Math.Min(wait, int.MaxValue);
    }

    private void TakeIncoming()
    {
        var entry = Interlocked.Exchange(ref _incoming, null);
        while (entry is not null)
        {
            var next = entry.Next;
            Place(entry);
            entry = next;
        }
    }

    private void Place(Entry entry)
    {
        // Never behind the wheel: an item due now runs at the next tick.
        if (entry.Due <= _processed)
            entry.Due = _processed + 1;
        var slot = (int)(entry.Due & SlotMask);
        entry.Next = _wheel[slot];
        _wheel[slot] = entry;
    }

    private void RunSlot(long tick)
    {
        var slot = (int)(tick & SlotMask);
        var entry = _wheel[slot];
        _wheel[slot] = null;
        while (entry is not null)
        {
            var next = entry.Next;
            if (entry.Cancelable?.IsCancellationRequested == true)
            {
                // Dropped.
            }
            else if (entry.Due > tick)
            {
                // Due on a later turn of the wheel: back into this slot.
                Place(entry);
            }
            else
            {
                Fire(entry);
                if (entry.IntervalMs > 0 && !_disposed)
                {
                    entry.Due += entry.IntervalMs;
                    Place(entry);
                }
            }

            entry = next;
        }
    }

    /// <summary>The tick of the next occupied slot, or <see cref="long.MaxValue"/> when the wheel is empty.</summary>
    private long NextOccupied()
    {
        for (var i = 1; i <= Slots; i++)
        {
            var tick = _processed + i;
            if (_wheel[(int)(tick & SlotMask)] is not null)
                return tick;
        }

        return long.MaxValue;
    }

    private void Fire(Entry entry)
    {
        try
        {
            if (entry.Receiver is { } receiver)
                receiver.Tell(entry.Message!, entry.Sender);
            else
                entry.Work!.Run();
        }
        catch (Exception e)
        {
            Log.Error(e, "Exception while running a scheduled task");
        }
    }

    private sealed class Entry
    {
        public Entry(TimeSpan delay, TimeSpan interval, ICancelable? cancelable)
        {
            Due = NowMs() + Math.Max(0, (long)Math.Ceiling(delay.TotalMilliseconds));
            IntervalMs = interval > TimeSpan.Zero ? Math.Max(1, (long)Math.Ceiling(interval.TotalMilliseconds)) : 0;
            Cancelable = cancelable;
        }

        public long IntervalMs { get; }

        public ICancelable? Cancelable { get; }

        public long Due { get; set; }

        public Entry? Next;

        public ICanTell? Receiver { get; init; }

        public object? Message { get; init; }

        public IActorRef? Sender { get; init; }

        public IRunnable? Work { get; init; }
    }
}
