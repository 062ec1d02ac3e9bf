namespace AkkaSockets.Actors.Http;

/// <summary>
/// The few arrays a fetch reads its connection into, reused once the body's sink is done with
/// them, so a body of any size allocates nothing per read: no garbage, no collections, memory flat
/// at <c>count * size</c>.
/// <para>
/// One producer (the connection's reader) and one consumer (the sink) agree by sequence numbers.
/// Every element the reader emits gets the next number, stamped on the array it lies in. The
/// framing between them hands on its input in order and lets go of an element before it takes
/// the next, so when the sink has written a slice of element <c>s</c>, nothing before <c>s</c> is
/// held anywhere: every array whose newest element is older than <c>s</c> may be read into again.
/// Element <c>s</c>'s own array stays taken until the sink writes something later. An array whose
/// last element was never written (a head, a discarded body) is simply not reused; when no array is
/// free the reader takes a fresh one that is never pooled, so a stalled consumer costs memory,
/// never correctness, and never a wait.
/// </para>
/// </summary>
internal sealed class ReadBufferRing
{
    private readonly byte[]?[] _arrays;
    private readonly long[] _newest;
    private readonly int _size;
    private long _released = -1;
    private long _nextSequence;
    private int _nextSlot;

    public ReadBufferRing(int count, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _arrays = new byte[]?[count];
        _newest = new long[count];
        Array.Fill(_newest, -1L);
        _size = size;
    }

    /// <summary>Arrays handed out that were not from the ring (it was all taken). For tests and diagnostics.</summary>
    public int Overflows { get; private set; }

    /// <summary>Reader: an array to read into, free of any element the sink may still write.</summary>
    public byte[] Rent()
    {
        var released = Volatile.Read(ref _released);
        for (var tried = 0; tried < _arrays.Length; tried++)
        {
            var slot = _nextSlot;
            _nextSlot = (_nextSlot + 1) % _arrays.Length;
            if (_arrays[slot] is null)
                return _arrays[slot] = new byte[_size];
            if (_newest[slot] <= released)
                return _arrays[slot]!;
        }

        Overflows++;
        return new byte[_size];
    }

    /// <summary>Reader: numbers the element about to be emitted from <paramref name="array"/>.</summary>
    public void Stamp(byte[] array)
    {
        var sequence = _nextSequence++;
        var slot = SlotOf(array);
        if (slot >= 0)
            Volatile.Write(ref _newest[slot], sequence);
    }

    /// <summary>Sink: <paramref name="written"/> (a slice of one of the reader's arrays) has been written.</summary>
    public void Written(ReadOnlySpan<byte> written)
    {
        for (var slot = 0; slot < _arrays.Length; slot++)
        {
            if (_arrays[slot] is { } array && written.Overlaps(array))
            {
                var before = Volatile.Read(ref _newest[slot]) - 1;
                if (before > Volatile.Read(ref _released))
                    Volatile.Write(ref _released, before);
                return;
            }
        }
    }

    private int SlotOf(byte[] array)
    {
        for (var slot = 0; slot < _arrays.Length; slot++)
        {
            if (ReferenceEquals(_arrays[slot], array))
                return slot;
        }

        return -1;
    }
}
