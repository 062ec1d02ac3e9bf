namespace AkkaSockets.Protocol.Framing;

/// <summary>
/// The tutorial's framing: each read is one message. One trailing <c>\n</c> or <c>\r\n</c> is
/// dropped (so nc and telnet users can type), then the read is cut into pieces of at most
/// <c>maxFrameBytes</c>, never inside a UTF-8 sequence when the bytes are valid UTF-8.
/// Stateless: one instance may serve any number of connections.
/// </summary>
public sealed class ChunkDecoder : IFrameDecoder
{
    private readonly int _maxFrameBytes;

    public ChunkDecoder(int maxFrameBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameBytes, FrameDecoders.MinFrameBytes);
        _maxFrameBytes = maxFrameBytes;
    }

    public int MaxFrameBytes => _maxFrameBytes;

    public int BufferedBytes => 0;

    public DecodeOutcome Decode(ReadOnlySpan<byte> data, ICollection<byte[]> messages)
    {
        data = StripOneLineEnd(data);
        if (data.IsEmpty)
        {
            messages.Add([]);
            return DecodeOutcome.Ok;
        }

        while (!data.IsEmpty)
        {
            var cut = CutPoint(data, _maxFrameBytes);
            messages.Add(data[..cut].ToArray());
            data = data[cut..];
        }

        return DecodeOutcome.Ok;
    }

    public DecodeOutcome Complete(ICollection<byte[]> messages) => DecodeOutcome.Ok;

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
