namespace AkkaSockets.Protocol.Framing;

/// <summary>
/// Messages end at <c>\n</c>; a <c>\r</c> just before it is dropped. A line longer than
/// <c>maxFrameBytes</c> (not counting its terminator) is refused as soon as it is known to be.
/// Holds at most <c>maxFrameBytes + 1</c> bytes of an unfinished line, and nothing when idle.
/// </summary>
public sealed class LineDecoder : IFrameDecoder
{
    private readonly int _maxFrameBytes;
    private byte[]? _partial;
    private int _partialLength;
    private bool _failed;

    public LineDecoder(int maxFrameBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameBytes, FrameDecoders.MinFrameBytes);
        _maxFrameBytes = maxFrameBytes;
    }

    public int BufferedBytes => _partialLength;

    public DecodeOutcome Decode(ReadOnlySpan<byte> data, ICollection<byte[]> messages)
    {
        if (_failed)
            return DecodeOutcome.LineTooLong;

        while (!data.IsEmpty)
        {
            var newline = data.IndexOf((byte)'\n');
            if (newline < 0)
                return Hold(data);

            var tail = data[..newline];
            data = data[(newline + 1)..];
            if (_partialLength == 0)
            {
                if (!Emit(tail, messages))
                    return Fail();
                continue;
            }

            if (_partialLength + tail.Length > _maxFrameBytes + 1)
                return Fail();
            EnsureCapacity(_partialLength + tail.Length);
            tail.CopyTo(_partial.AsSpan(_partialLength));
            var line = _partial.AsSpan(0, _partialLength + tail.Length);
            _partialLength = 0;
            _partial = null;
            if (!Emit(line, messages))
                return Fail();
        }

        return DecodeOutcome.Ok;
    }

    public DecodeOutcome Complete(ICollection<byte[]> messages)
    {
        if (_failed)
            return DecodeOutcome.LineTooLong;
        if (_partialLength == 0)
            return DecodeOutcome.Ok;
        // End of stream ends the last line too, like a line reader would. Hold keeps one byte
        // more than the limit (for a \r), so the held line itself may still be too long.
        if (!Emit(_partial.AsSpan(0, _partialLength), messages))
            return Fail();
        _partial = null;
        _partialLength = 0;
        return DecodeOutcome.Ok;
    }

    private bool Emit(ReadOnlySpan<byte> line, ICollection<byte[]> messages)
    {
        if (line.EndsWith("\r"u8))
            line = line[..^1];
        if (line.Length > _maxFrameBytes)
            return false;
        messages.Add(line.ToArray());
        return true;
    }

    private DecodeOutcome Hold(ReadOnlySpan<byte> data)
    {
        // A held line may end in the \r of its terminator, hence the one extra byte; without
        // that \r, one byte over the limit is already too long.
        var total = _partialLength + data.Length;
        if (total > _maxFrameBytes + 1 || (total == _maxFrameBytes + 1 && data[^1] != (byte)'\r'))
            return Fail();

        EnsureCapacity(total);
        data.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength = total;
        return DecodeOutcome.Ok;
    }

    // The held line starts small; the read that ends it may carry up to the frame limit more.
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_partial))]
    private void EnsureCapacity(int total)
    {
        if (_partial is not null && _partial.Length >= total)
            return;
        var grown = new byte[Math.Min(_maxFrameBytes + 1, Math.Max(total, 64))];
        _partial?.AsSpan(0, _partialLength).CopyTo(grown);
        _partial = grown;
    }

    private DecodeOutcome Fail()
    {
        _failed = true;
        _partial = null;
        _partialLength = 0;
        return DecodeOutcome.LineTooLong;
    }
}
