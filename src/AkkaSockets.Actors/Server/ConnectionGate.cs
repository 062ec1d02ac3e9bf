using AkkaSockets.Actors.Diagnostics;
using AkkaSockets.Actors.Transport;

namespace AkkaSockets.Actors.Server;

/// <summary>
/// The server's admission, shared with its listener (<see cref="IAcceptPolicy"/>): the count of
/// open connections against max-connections, and whether new clients are welcome at all. The
/// listener admits and greets on its own thread; the server actor reads the counts, closes the
/// gate when it stops accepting, and lets a connection out when its actor has stopped.
/// </summary>
public sealed class ConnectionGate : IAcceptPolicy
{
    private readonly int _limit;
    private int _open;
    private int _peak;
    private long _accepted;
    private long _rejected;
    private volatile bool _closed;

    public ConnectionGate(int limit, byte[] welcome, byte[] busy)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _limit = limit;
        Welcome = welcome;
        Busy = busy;
    }

    public byte[] Welcome { get; }

    public byte[] Busy { get; }

    public int Open => Volatile.Read(ref _open);

    public int PeakOpen => Volatile.Read(ref _peak);

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Rejected => Interlocked.Read(ref _rejected);

    public bool TryAdmit()
    {
        if (!_closed)
        {
            var open = Interlocked.Increment(ref _open);
            if (open <= _limit)
            {
                Interlocked.Increment(ref _accepted);
                RaisePeak(open);
                return true;
            }

            Interlocked.Decrement(ref _open);
        }

        Interlocked.Increment(ref _rejected);
        ServerMetrics.ConnectionRejected();
        return false;
    }

    /// <summary>An admitted connection has ended (its actor stopped), or was lost before one started.</summary>
    public void Left() => Interlocked.Decrement(ref _open);

    void IAcceptPolicy.Lost()
    {
        Interlocked.Decrement(ref _accepted);
        Left();
    }

    /// <summary>From now on every newcomer is refused; those already admitted stay counted.</summary>
    public void Close() => _closed = true;

    private void RaisePeak(int open)
    {
        var peak = Volatile.Read(ref _peak);
        while (open > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peak, open, peak);
            if (seen == peak)
                return;
            peak = seen;
        }
    }
}
