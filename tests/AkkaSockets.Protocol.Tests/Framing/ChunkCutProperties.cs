using AkkaSockets.Protocol.Framing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AkkaSockets.Protocol.Tests.Framing;

/// <summary>
/// Chunk framing of one read of any bytes, against a model written from SPEC §3 alone: one line
/// end off, then pieces of exactly the limit, except that a cut never splits a character that
/// would have crossed the limit.
/// </summary>
public sealed class ChunkCutProperties
{
    // Reads long enough to need several pieces at every limit, 1024 included.
    private static readonly Gen<int> FrameLimit = Gen.Frequency(
        (3, Gen.Choose(FrameDecoders.MinFrameBytes, 64)),
        (1, Gen.Choose(65, 300)),
        (1, Gen.Constant(1024)));

    // Bytes that matter to the cut: ASCII, UTF-8 lead bytes of each length, continuation bytes,
    // bytes never valid in UTF-8, and the line-end bytes.
    private static readonly Gen<byte> AnyByte = Gen.Frequency(
        (4, Gen.Choose(0x20, 0x7E)),
        (2, Gen.Choose(0x80, 0xBF)),
        (1, Gen.Choose(0xC2, 0xDF)),
        (1, Gen.Choose(0xE0, 0xEF)),
        (1, Gen.Choose(0xF0, 0xF4)),
        (1, Gen.Elements(0xC0, 0xC1, 0xF5, 0xFF, 0x00)),
        (1, Gen.Elements((int)'\r', '\n'))).Select(b => (byte)b);

    // A read that ends inside a character is held for the next read (the carry-over); here every
    // read ends on a byte that completes whatever came before it, so one read is the whole story.
    private static readonly Gen<byte[]> Ending = Gen.Elements("\n"u8.ToArray(), "\r\n"u8.ToArray(), "z"u8.ToArray(), "\n\n"u8.ToArray());

    [Property(MaxTest = 500)]
    public Property In_chunk_mode_any_read_comes_out_exactly_as_the_spec_model_cuts_it() =>
        Prop.ForAll(Reads().ToArbitrary(), r =>
        {
            var decoder = new ChunkDecoder(r.Max);
            var messages = new List<byte[]>();

            Assert.Equal(DecodeOutcome.Ok, decoder.Decode(r.Bytes, messages));
            Assert.Equal(DecodeOutcome.Ok, decoder.Complete(messages));

            Assert.Equal(Model(r.Bytes, r.Max), messages);
        });

    [Property(MaxTest = 300)]
    public Property In_chunk_mode_a_read_longer_than_the_limit_is_never_cut_more_than_three_bytes_early() =>
        Prop.ForAll(Reads().ToArbitrary(), r =>
        {
            var messages = new List<byte[]>();
            new ChunkDecoder(r.Max).Decode(r.Bytes, messages);

            // Only a character's lead and up to two continuation bytes ever move to the next piece.
            Assert.All(messages.SkipLast(1), m => Assert.InRange(m.Length, r.Max - 3, r.Max));
        });

    private static Gen<Read> Reads() =>
        from max in FrameLimit
        from size in Gen.Choose(0, 3 * max + 8)
        from body in AnyByte.ArrayOf(size)
        from end in Ending
        select new Read(max, [.. body, .. end]);

    /// <summary>SPEC §3 for one read, written independently of the decoder.</summary>
    private static List<byte[]> Model(byte[] read, int max)
    {
        var length = read.Length;
        if (length >= 2 && read[length - 2] == '\r' && read[length - 1] == '\n')
            length -= 2;
        else if (length >= 1 && read[length - 1] == '\n')
            length -= 1;
        if (length == 0)
            return [[]];

        var pieces = new List<byte[]>();
        var start = 0;
        while (start < length)
        {
            var end = Math.Min(start + max, length);
            if (end < length)
                end = KeepCharacterWhole(read, start, end);
            pieces.Add(read[start..end]);
            start = end;
        }

        return pieces;
    }

    /// <summary>
    /// The limit falls at <paramref name="end"/>: if a lead byte in the three bytes before it
    /// announces a character (2, 3 or 4 bytes long) that would run past the limit, and only
    /// continuation bytes lie between that lead and the limit, the piece ends before the lead.
    /// </summary>
    private static int KeepCharacterWhole(byte[] read, int start, int end)
    {
        for (var lead = end - 1; lead >= Math.Max(start + 1, end - 3); lead--)
        {
            var b = read[lead];
            if (b is >= 0x80 and <= 0xBF)
                continue;
            var declared = b switch
            {
                >= 0xC2 and <= 0xDF => 2,
                >= 0xE0 and <= 0xEF => 3,
                >= 0xF0 and <= 0xF4 => 4,
                _ => 0,
            };
            return declared > 0 && lead + declared > end && read[end] is >= 0x80 and <= 0xBF ? lead : end;
        }

        return end;
    }

    public sealed record Read(int Max, byte[] Bytes)
    {
        public override string ToString() => $"max={Max} bytes={Convert.ToHexString(Bytes)}";
    }
}
