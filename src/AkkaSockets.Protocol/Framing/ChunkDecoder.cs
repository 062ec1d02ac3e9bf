using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace AkkaSockets.Protocol.Framing;

/// <summary>
/// The tutorial's framing: each read is one message. One trailing <c>\n</c> or <c>\r\n</c> is
/// dropped (so nc and telnet users can type), then the read is cut into pieces of at most
/// <c>maxFrameBytes</c>, never inside a UTF-8 sequence when the bytes are valid UTF-8.
/// <para>
/// The read size is not the message size: a read of valid UTF-8 that ends inside a sequence (the
/// socket read filled its buffer mid-character) keeps those 1-3 bytes and puts them in front of
/// the next read, so a long valid message sent in one write comes back as pieces that each decode. That
/// carry is the decoder's only state: one instance per connection, and an empty carry costs
/// nothing beyond the instance's few fields.
/// </para>
/// </summary>
public sealed class ChunkDecoder : IFrameDecoder
{
    private const int MaxCarry = 3;

    private readonly int _maxFrameBytes;

    // Up to three bytes of a sequence the last read ended inside, kept inline (no array).
    private uint _carry;
    private int _carried;

    public ChunkDecoder(int maxFrameBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameBytes, FrameDecoders.MinFrameBytes);
        _maxFrameBytes = maxFrameBytes;
    }

    public int MaxFrameBytes => _maxFrameBytes;

    public int BufferedBytes => _carried;

    public DecodeOutcome Decode(ReadOnlySpan<byte> data, ICollection<byte[]> messages)
    {
        if (_carried == 0)
        {
            DecodeRead(data, messages);
            return DecodeOutcome.Ok;
        }

        // Rare: the previous read ended mid-character. Join the carry to this read once.
        var joined = ArrayPool<byte>.Shared.Rent(_carried + data.Length);
        try
        {
            var length = TakeCarry(joined);
            data.CopyTo(joined.AsSpan(length));
            DecodeRead(joined.AsSpan(0, length + data.Length), messages);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(joined);
        }

        return DecodeOutcome.Ok;
    }

    /// <summary>At end of stream a carried partial sequence is a message of its own (it never completed).</summary>
    public DecodeOutcome Complete(ICollection<byte[]> messages)
    {
        if (_carried > 0)
        {
            Span<byte> rest = stackalloc byte[MaxCarry];
            messages.Add(rest[..TakeCarry(rest)].ToArray());
        }

        return DecodeOutcome.Ok;
    }

    private void DecodeRead(ReadOnlySpan<byte> data, ICollection<byte[]> messages)
    {
        var partial = IncompleteTail(data);
        // Only valid UTF-8 is kept whole; other bytes are the tutorial's: one read, one message.
        if (partial > 0 && Utf8.IsValid(data[..^partial]))
        {
            Keep(data[^partial..]);
            data = data[..^partial];
            // The read was nothing but the start of a character: wait for the rest.
            if (data.IsEmpty)
                return;
        }

        data = StripOneLineEnd(data);
        if (data.IsEmpty)
        {
            messages.Add([]);
            return;
        }

        while (!data.IsEmpty)
        {
            var cut = CutPoint(data, _maxFrameBytes);
            messages.Add(data[..cut].ToArray());
            data = data[cut..];
        }
    }

    /// <summary>
    /// How many bytes at the end of <paramref name="data"/> are the valid start of a UTF-8
    /// sequence that the read cut short (0 when the read ends on a character boundary or in bytes
    /// that are not UTF-8 at all).
    /// </summary>
    public static int IncompleteTail(ReadOnlySpan<byte> data)
    {
        for (var back = 1; back <= MaxCarry && back <= data.Length; back++)
        {
            if (IsContinuation(data[^back]))
                continue;
            return Rune.DecodeFromUtf8(data[^back..], out _, out _) == OperationStatus.NeedMoreData ? back : 0;
        }

        return 0;
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        _carry = 0;
        for (var i = 0; i < bytes.Length; i++)
            _carry |= (uint)bytes[i] << (8 * i);
        _carried = bytes.Length;
    }

    private int TakeCarry(Span<byte> destination)
    {
        var length = _carried;
        for (var i = 0; i < length; i++)
            destination[i] = (byte)(_carry >> (8 * i));
        _carry = 0;
        _carried = 0;
        return length;
    }

    public static ReadOnlySpan<byte> StripOneLineEnd(ReadOnlySpan<byte> data)
    {
        if (data.EndsWith("\r\n"u8))
            return data[..^2];
        return data.EndsWith("\n"u8) ? data[..^1] : data;
    }

    /// <summary>
    /// Where to end the next piece: at the limit, or earlier at the start of a UTF-8 sequence that
    /// the limit would split. Bytes that are not valid UTF-8 are cut at the limit.
    /// </summary>
    public static int CutPoint(ReadOnlySpan<byte> data, int max)
    {
        if (data.Length <= max)
            return data.Length;

        var cut = max;
        // A continuation byte (10xxxxxx) at the cut means a sequence started before it;
        // its lead byte is at most three bytes back.
        for (var back = 0; back < 3 && cut > 0 && IsContinuation(data[cut]); back++)
            cut--;

        if (cut == 0 || IsContinuation(data[cut]) || !LeadFitsBefore(data, cut, max))
            return max;
        return cut;
    }

    private static bool IsContinuation(byte b) => (b & 0xC0) == 0x80;

    // Back off only for a lead byte whose sequence would really have crossed the limit.
    private static bool LeadFitsBefore(ReadOnlySpan<byte> data, int cut, int max)
    {
        var lead = data[cut];
        var length = lead switch
        {
            >= 0xF0 and <= 0xF4 => 4,
            >= 0xE0 and <= 0xEF => 3,
            >= 0xC2 and <= 0xDF => 2,
            _ => 0,
        };
        return length > 0 && cut + length > max;
    }
}
