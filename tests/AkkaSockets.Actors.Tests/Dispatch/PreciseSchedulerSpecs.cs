using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using AkkaSockets.Actors.Dispatch;

namespace AkkaSockets.Actors.Tests.Dispatch;

/// <summary>
/// The 1 ms wheel scheduler on its own, in real time: every deadline is an upper bound to wait
/// for, never a sleep. "Not early" allows 1 ms, the wheel's resolution.
/// </summary>
public sealed class PreciseSchedulerSpecs : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly PreciseScheduler _scheduler = new(ConfigurationFactory.Empty, NoLogger.Instance);

    private IActionScheduler Actions => _scheduler;

    private ITellScheduler Tells => _scheduler;

    public void Dispose() => _scheduler.Dispose();

    [Fact]
    public async Task Thousands_of_timers_from_several_threads_all_fire_once_and_none_early()
    {
        const int Threads = 4;
        const int PerThread = 2_000;
        var fired = new ConcurrentDictionary<int, long>();
        var early = new ConcurrentBag<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var producers = Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            var random = new Random(t);
            for (var i = 0; i < PerThread; i++)
            {
                var id = (t * PerThread) + i;
                var delay = TimeSpan.FromMilliseconds(random.Next(0, 60));
                var scheduledAt = Stopwatch.GetTimestamp();
                Actions.ScheduleOnce(delay, () =>
                {
                    var waited = Stopwatch.GetElapsedTime(scheduledAt);
                    if (waited < delay - TimeSpan.FromMilliseconds(1))
                        early.Add($"#{id}: {waited.TotalMilliseconds:F2} ms for {delay.TotalMilliseconds} ms");
                    if (!fired.TryAdd(id, Stopwatch.GetTimestamp()))
                        early.Add($"#{id} fired twice");
                    if (fired.Count == Threads * PerThread)
                        all.TrySetResult();
                });
            }
        })).ToArray();
        await Task.WhenAll(producers);

        await all.Task.WaitAsync(Patience);
        Assert.Empty(early);
        Assert.Equal(Threads * PerThread, fired.Count);
    }

    [Fact]
    public async Task A_cancelled_timer_never_fires_while_its_neighbours_do()
    {
        var cancelled = new Cancelable(Actions);
        var wrongly = 0;
        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(30), () => Interlocked.Increment(ref wrongly), cancelled);
        cancelled.Cancel();

        // Scheduled later than the cancelled one: once it has fired, the cancelled one's time has passed.
        var later = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(80), () => later.TrySetResult());
        await later.Task.WaitAsync(Patience);

        Assert.Equal(0, Volatile.Read(ref wrongly));
    }

    [Fact]
    public async Task A_timer_longer_than_one_turn_of_the_wheel_fires_after_its_whole_delay()
    {
        var delay = TimeSpan.FromMilliseconds(1_300);
        var started = Stopwatch.GetTimestamp();
        var done = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        Actions.ScheduleOnce(delay, () => done.TrySetResult(Stopwatch.GetElapsedTime(started)));

        var waited = await done.Task.WaitAsync(Patience);

        Assert.True(waited >= delay - TimeSpan.FromMilliseconds(1), $"fired after {waited.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_repeating_timer_keeps_firing_until_cancelled()
    {
        var cancelable = new Cancelable(Actions);
        var count = 0;
        var five = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Actions.ScheduleRepeatedly(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5), () =>
        {
            if (Interlocked.Increment(ref count) == 5)
                five.TrySetResult();
        }, cancelable);

        await five.Task.WaitAsync(Patience);
        cancelable.Cancel();
        var atCancel = Volatile.Read(ref count);

        // The cancel is seen at the timer's next slot at the latest: a later timer proves that time passed.
        var after = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(50), () => after.TrySetResult());
        await after.Task.WaitAsync(Patience);

        Assert.InRange(Volatile.Read(ref count), atCancel, atCancel + 1);
    }

    [Fact]
    public async Task Tell_timers_deliver_their_message_to_the_receiver()
    {
        var receiver = new CollectingReceiver();
        Tells.ScheduleTellOnce(TimeSpan.FromMilliseconds(10), receiver, "due", ActorRefs.NoSender);

        Assert.Equal("due", await receiver.First.WaitAsync(Patience));
    }

    [Theory]
    [InlineData(long.MaxValue, 100, Timeout.Infinite)]
    [InlineData(105, 100, 5)]
    [InlineData(100, 100, 0)]
    [InlineData(99, 100, 0)]
    [InlineData(50, 100, 0)]
    public void The_wheel_thread_sleeps_for_ever_only_when_the_wheel_is_empty(long nextOccupied, long now, int expected) =>
        Assert.Equal(expected, PreciseScheduler.SleepMs(nextOccupied, now));

    private sealed class CollectingReceiver : ICanTell
    {
        private readonly TaskCompletionSource<object> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<object> First => _first.Task;

        public void Tell(object message, IActorRef sender) => _first.TrySetResult(message);
    }
}
