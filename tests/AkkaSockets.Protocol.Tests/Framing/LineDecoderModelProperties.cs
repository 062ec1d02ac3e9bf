using AkkaSockets.Protocol.Framing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AkkaSockets.Protocol.Tests.Framing;

/// <summary>
/// The line decoder against a model written from the spec (§3, line framing) rather than from the
/// code: whatever the bytes and however TCP splits them, the decoder yields the model's messages.
/// </summary>
[Trait("Category", "Hardening")]
public sealed class LineDecoderModelProperties
{
    [Property(MaxTest = 300, Arbitrary = [typeof(SplitInputs)])]
    public void Any_split_of_any_stream_decodes_to_the_lines_the_spec_describes(SplitInput input)
    {
        var expected = LineModel.Messages(input.Bytes, input.MaxFrameBytes);

        var decoder = new LineDecoder(input.MaxFrameBytes);
        var messages = new List<byte[]>();
        var tooLong = false;
        foreach (var chunk in input.Chunks())
        {
            if (decoder.Decode(chunk, messages) == DecodeOutcome.LineTooLong)
            {
                tooLong = true;
                break;
            }
        }

        if (!tooLong)
            tooLong = decoder.Complete(messages) == DecodeOutcome.LineTooLong;

        // Messages after a too-long line are never answered, so only the prefix matters.
        Assert.Equal(expected.TooLong, tooLong);
        Assert.Equal(expected.Lines.Select(Convert.ToHexString), messages.Take(expected.Lines.Count).Select(Convert.ToHexString));
        if (!tooLong)
            Assert.Equal(expected.Lines.Count, messages.Count);
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(SplitInputs)])]
    public void The_decoder_never_holds_more_than_one_line_limit_of_unfinished_bytes(SplitInput input)
    {
        var decoder = new LineDecoder(input.MaxFrameBytes);
        var messages = new List<byte[]>();
        foreach (var chunk in input.Chunks())
        {
            if (decoder.Decode(chunk, messages) == DecodeOutcome.LineTooLong)
                break;
            Assert.InRange(decoder.BufferedBytes, 0, input.MaxFrameBytes + 1);
        }
    }
}

public sealed record SplitInput(byte[] Bytes, int[] Cuts, int MaxFrameBytes)
{
    public IEnumerable<byte[]> Chunks()
    {
        var start = 0;
        foreach (var cut in Cuts.Append(Bytes.Length))
        {
            if (cut <= start)
                continue;
            yield return Bytes[start..cut];
            start = cut;
        }
    }

    public override string ToString() =>
        $"max={MaxFrameBytes} bytes={Convert.ToHexString(Bytes)} cuts=[{string.Join(',', Cuts)}]";
}

/// <summary>Streams built from the pieces that matter to line framing, cut at random points.</summary>
public static class SplitInputs
{
    public static Arbitrary<SplitInput> Streams() => Build().ToArbitrary();

    public static Gen<SplitInput> Build() =>
        from max in Gen.Choose(FrameDecoders.MinFrameBytes, 12)
        from pieces in Gen.ListOf(Piece(max)).Resize(12)
        let bytes = pieces.SelectMany(p => p).ToArray()
        from cuts in Gen.ArrayOf(Gen.Choose(0, Math.Max(0, bytes.Length)))
        select new SplitInput(bytes, [.. cuts.Order()], max);

    private static Gen<byte[]> Piece(int max) => Gen.Frequency(
        (4, Gen.Constant("\n"u8.ToArray())),
        (2, Gen.Constant("\r\n"u8.ToArray())),
        (1, Gen.Constant("\r"u8.ToArray())),
        (2, Gen.Constant("exit"u8.ToArray())),
        (4, Gen.ArrayOf(AnyByte(), 3)),
        (2, Gen.Choose(max - 1, max + 2).SelectMany(n => Gen.ArrayOf(AnyByte(), n))));

    // Mostly letters, some of every other byte value (invalid UTF-8 included).
    private static Gen<byte> AnyByte() => Gen.Frequency(
        (3, Gen.Choose('a', 'z').Select(b => (byte)b)),
        (1, Gen.Choose(0, 255).Select(b => (byte)b)));
}

/// <summary>
/// §3 line framing read literally: messages end at <c>\n</c>, one <c>\r</c> before it is dropped,
/// end of stream ends the last line, and a line longer than the limit ends everything.
/// </summary>
public static class LineModel
{
    public sealed record Outcome(List<byte[]> Lines, bool TooLong);

    public static Outcome Messages(byte[] stream, int max)
    {
        var lines = new List<byte[]>();
        var start = 0;
        while (start < stream.Length)
        {
            var newline = Array.IndexOf(stream, (byte)'\n', start);
            var end = newline < 0 ? stream.Length : newline;
            var line = stream[start..end];
            if (line.Length > 0 && line[^1] == '\r')
                line = line[..^1];
            if (line.Length > max)
                return new Outcome(lines, true);
            lines.Add(line);
            start = end + 1;
        }

        return new Outcome(lines, false);
    }
}
