using Akka.Actor;

namespace AkkaSockets.Actors.Dispatch;

/// <summary>
/// One cancellation flag for every message an actor has scheduled to itself since it last
/// cancelled them: cancelling the epoch drops them all, and the actor starts a new epoch for the
/// messages it schedules after that. A plain flag, without the
/// <see cref="CancellationTokenSource"/> that Akka's <see cref="Cancelable"/> allocates for every
/// scheduled message; a token source is only made if something asks for <see cref="Token"/> or
/// <see cref="CancelAfter(TimeSpan)"/>, which <see cref="PreciseScheduler"/> never does.
/// </summary>
public sealed class TimerEpoch : ICancelable
{
    private volatile bool _cancelled;
    private CancellationTokenSource? _source;

    public bool IsCancellationRequested => _cancelled || Volatile.Read(ref _source)?.IsCancellationRequested == true;

    public CancellationToken Token => Source().Token;

    public void Cancel() => Cancel(throwOnFirstException: false);

    public void Cancel(bool throwOnFirstException)
    {
        _cancelled = true;
        Volatile.Read(ref _source)?.Cancel(throwOnFirstException);
    }

    public void CancelAfter(TimeSpan delay) => Source().CancelAfter(delay);

    public void CancelAfter(int millisecondsDelay) => Source().CancelAfter(millisecondsDelay);

    private CancellationTokenSource Source()
    {
        var source = Volatile.Read(ref _source);
        if (source is null)
        {
            var made = new CancellationTokenSource();
            source = Interlocked.CompareExchange(ref _source, made, null) ?? made;
            if (!ReferenceEquals(source, made))
                made.Dispose();
        }

        // A flag set before the source existed still shows in the token.
        if (_cancelled)
            source.Cancel();
        return source;
    }
}
