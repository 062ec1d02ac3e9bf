using System.Text;
using AkkaSockets.Protocol.Framing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AkkaSockets.Protocol.Tests.Framing;

public sealed class FramingProperties
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Small limits make cuts frequent; 1024 is the default and the tutorial's recv(1024).
    private static readonly Gen<int> FrameLimit = Gen.Frequency(
        (4, Gen.Choose(FrameDecoders.MinFrameBytes, 200)),
        (1, Gen.Constant(1024)));

    private static readonly Gen<byte> LineByte =
        Gen.Choose(0, 255).Where(b => b != '\n' && b != '\r').Select(b => (byte)b);

    [Property(MaxTest = 300)]
    public Property In_line_mode_any_split_of_a_stream_yields_the_same_messages() =>
        Prop.ForAll(LineStreams(overLong: false).ToArbitrary(), c =>
        {
            var (messages, outcomes, decoder) = DecodeLines(c.Max, c.Pieces());

            Assert.All(outcomes, o => Assert.Equal(DecodeOutcome.Ok, o));
            Assert.Equal(c.ExpectedMessages(), messages);
            Assert.Equal(0, decoder.BufferedBytes);
        });

    [Property(MaxTest = 300)]
    public Property In_line_mode_any_split_refuses_the_first_over_long_line_after_the_same_messages() =>
        Prop.ForAll(LineStreams(overLong: true).ToArbitrary(), c =>
        {
            var (messages, outcomes, _) = DecodeLines(c.Max, c.Pieces());

            Assert.Equal(c.ExpectedMessages(), messages);
            var refused = c.Lines.Any(l => l.Content.Length > c.Max) || c.Unterminated.Length > c.Max;
            Assert.Equal(refused, outcomes.Contains(DecodeOutcome.LineTooLong));
        });

    [Property(MaxTest = 300)]
    public Property In_chunk_mode_valid_utf8_is_never_cut_inside_a_sequence() =>
        Prop.ForAll(Utf8Reads().ToArbitrary(), c =>
        {
            var messages = DecodeChunk(c.Max, c.Bytes);

            Assert.All(messages, m => Assert.InRange(m.Length, 0, c.Max));
            // A strict decoder throws on a piece that starts or ends inside a sequence.
            var texts = messages.Select(m => StrictUtf8.GetString(m)).ToList();
            Assert.Equal(StripOneLineEnd(c.Text), string.Concat(texts));
            // Cuts happen only to keep a sequence whole: every piece but the last is nearly full.
            Assert.All(messages.SkipLast(1), m => Assert.True(m.Length > c.Max - 4, $"piece of {m.Length} bytes cut early"));
        });

    [Property(MaxTest = 300)]
    public Property In_chunk_mode_any_bytes_come_out_in_pieces_no_larger_than_the_limit_and_concatenate_back() =>
        Prop.ForAll(Gen.Zip(FrameLimit, ArbMap.Default.GeneratorFor<byte[]>()).ToArbitrary(), t =>
        {
            var (max, bytes) = t;
            var messages = DecodeChunk(max, bytes, complete: true);

            Assert.NotEmpty(messages);
            Assert.All(messages, m => Assert.InRange(m.Length, 0, max));
            // After valid UTF-8, a start of a character at the very end waits (here: until the end
            // of stream); the line end is removed from what comes before it.
            var tail = ChunkDecoder.IncompleteTail(bytes);
            if (!System.Text.Unicode.Utf8.IsValid(bytes.AsSpan(0, bytes.Length - tail)))
                tail = 0;
            var expected = ChunkDecoder.StripOneLineEnd(bytes.AsSpan(0, bytes.Length - tail)).ToArray().Concat(bytes[^tail..]);
            Assert.Equal(expected.ToArray(), messages.SelectMany(m => m).ToArray());
        });

    [Property(MaxTest = 300)]
    public Property In_chunk_mode_valid_utf8_split_into_any_reads_comes_out_in_pieces_that_each_decode() =>
        Prop.ForAll(Gen.Zip(Utf8Reads(), Gen.ListOf(Gen.Choose(1, 64), 8)).ToArbitrary(), t =>
        {
            var (c, sizes) = t;
            // Line ends are removed per read, so keep them out of a text split at random.
            var bytes = Encoding.UTF8.GetBytes(c.Text.Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal));
            var decoder = new ChunkDecoder(c.Max);
            var messages = new List<byte[]>();
            var offset = 0;
            foreach (var size in sizes.Append(bytes.Length))
            {
                var take = Math.Min(size, bytes.Length - offset);
                if (take > 0)
                    decoder.Decode(bytes.AsSpan(offset, take), messages);
                offset += take;
            }

            decoder.Complete(messages);
            Assert.All(messages, m => Assert.InRange(m.Length, 0, c.Max));
            Assert.Equal(Encoding.UTF8.GetString(bytes), string.Concat(messages.Select(m => StrictUtf8.GetString(m))));
        });

    private static (List<byte[]> Messages, List<DecodeOutcome> Outcomes, LineDecoder Decoder) DecodeLines(
        int max, IEnumerable<byte[]> pieces)
    {
        var decoder = new LineDecoder(max);
        var messages = new List<byte[]>();
        var outcomes = pieces.Select(p => decoder.Decode(p, messages)).ToList();
        decoder.Complete(messages);
        return (messages, outcomes, decoder);
    }

    private static List<byte[]> DecodeChunk(int max, byte[] bytes, bool complete = false)
    {
        var messages = new List<byte[]>();
        var decoder = new ChunkDecoder(max);
        Assert.Equal(DecodeOutcome.Ok, decoder.Decode(bytes, messages));
        // Bytes that end like the start of a character wait for the next read, or the end of stream.
        if (complete)
            decoder.Complete(messages);
        return messages;
    }

    private static string StripOneLineEnd(string text) =>
        text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2]
        : text.EndsWith('\n') ? text[..^1]
        : text;

    private static Gen<LineStream> LineStreams(bool overLong) =>
        from max in FrameLimit
        from lines in Gen.ListOf(Line(max, overLong), 8)
        from last in Gen.Frequency(
            (2, Gen.Constant(Array.Empty<byte>())),
            (1, Content(max, overLong: false)),
            (overLong ? 1 : 0, Content(max, overLong: true)))
        let stream = lines.SelectMany(l => l.Content.Concat(l.Terminator)).Concat(last).ToArray()
        from cuts in Gen.ListOf(Gen.Choose(0, stream.Length), 6)
        select new LineStream(max, [.. lines], last, stream, [.. cuts.Distinct().Order()]);

    private static Gen<LineCase> Line(int max, bool overLong) =>
        from content in Gen.Frequency((12, Content(max, overLong: false)), (overLong ? 1 : 0, Content(max, overLong: true)))
        from terminator in Gen.Elements("\n"u8.ToArray(), "\r\n"u8.ToArray())
        select new LineCase(content, terminator);

    private static Gen<byte[]> Content(int max, bool overLong) =>
        (overLong ? Gen.Choose(max + 1, max + 3) : Gen.Choose(0, max)).SelectMany(n => LineByte.ArrayOf(n));

    private static Gen<Utf8Read> Utf8Reads()
    {
        var codePoint = Gen.Frequency(
            (4, Gen.Choose(0x20, 0x7E)),
            (1, Gen.Constant((int)'\n')),
            (2, Gen.Choose(0x80, 0x7FF)),
            (2, Gen.Choose(0x800, 0xFFFF).Where(c => c is < 0xD800 or > 0xDFFF)),
            (2, Gen.Choose(0x1F300, 0x1FAFF)),
            (1, Gen.Choose(0x10000, 0x10FFFF)));
        return from max in FrameLimit
               from size in Gen.Choose(0, max * 3)
               from points in codePoint.ArrayOf(size / 2)
               from end in Gen.Elements("", "\n", "\r\n")
               let text = string.Concat(points.Select(char.ConvertFromUtf32)) + end
               select new Utf8Read(max, text);
    }

    private sealed record LineCase(byte[] Content, byte[] Terminator);

    private sealed record LineStream(int Max, LineCase[] Lines, byte[] Unterminated, byte[] Stream, int[] Cuts)
    {
        public IEnumerable<byte[]> Pieces()
        {
            var start = 0;
            foreach (var cut in Cuts.Append(Stream.Length))
            {
                yield return Stream[start..cut];
                start = cut;
            }
        }

        // The lines before the first over-long one; an unterminated tail counts at end of stream.
        public List<byte[]> ExpectedMessages()
        {
            var expected = Lines.TakeWhile(l => l.Content.Length <= Max).Select(l => l.Content).ToList();
            if (expected.Count == Lines.Length && Unterminated.Length > 0 && Unterminated.Length <= Max)
                expected.Add(Unterminated);
            return expected;
        }

        public override string ToString() =>
            $"max={Max} stream={Convert.ToHexString(Stream)} cuts=[{string.Join(',', Cuts)}]";
    }

    private sealed record Utf8Read(int Max, string Text)
    {
        public byte[] Bytes { get; } = Encoding.UTF8.GetBytes(Text);

        public override string ToString() => $"max={Max} bytes={Convert.ToHexString(Bytes)}";
    }
}
