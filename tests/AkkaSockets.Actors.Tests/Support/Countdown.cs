namespace AkkaSockets.Actors.Tests.Support;

/// <summary>An async countdown: waiting must not block a thread-pool thread the server needs.</summary>
public sealed class Countdown
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining;

    public Countdown(int count) => _remaining = count;

    public Task Reached => _reached.Task;

    /// <summary>One participant's signal: counts once however often it is called.</summary>
    public Action Slot()
    {
        var signalled = 0;
        return () =>
        {
            if (Interlocked.Exchange(ref signalled, 1) == 0 && Interlocked.Decrement(ref _remaining) == 0)
                _reached.TrySetResult();
        };
    }
}
