using System.Text;
using AkkaSockets.Protocol.Framing;

namespace AkkaSockets.Protocol.Tests.Framing;

/// <summary>A read that ends inside a UTF-8 sequence carries those bytes over to the next read.</summary>
public sealed class ChunkDecoderCarryTests
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Fact]
    public void A_read_that_ends_inside_a_character_keeps_its_start_for_the_next_read()
    {
        var decoder = new ChunkDecoder(1024);
        var messages = new List<byte[]>();
        var hello = Encoding.UTF8.GetBytes("你好"); // E4 BD A0 E5 A5 BD

        decoder.Decode(hello.AsSpan(0, 4), messages);
        Assert.Equal(1, decoder.BufferedBytes);
        decoder.Decode(hello.AsSpan(4), messages);

        Assert.Equal(["你", "好"], messages.Select(m => StrictUtf8.GetString(m)));
        Assert.Equal(0, decoder.BufferedBytes);
    }

    [Fact]
    public void A_read_of_only_the_start_of_a_character_yields_no_message_yet()
    {
        var decoder = new ChunkDecoder(1024);
        var messages = new List<byte[]>();

        decoder.Decode([0xF0, 0x9F], messages);
        Assert.Empty(messages);
        decoder.Decode([0x98, 0x80], messages);

        Assert.Equal(["😀"], messages.Select(m => StrictUtf8.GetString(m)));
    }

    [Fact]
    public void A_carried_start_that_never_completes_is_a_message_at_end_of_stream()
    {
        var decoder = new ChunkDecoder(1024);
        var messages = new List<byte[]>();

        decoder.Decode([(byte)'a', 0xE4, 0xBD], messages);
        decoder.Complete(messages);

        Assert.Equal([[(byte)'a'], [0xE4, 0xBD]], messages);
        Assert.Equal(0, decoder.BufferedBytes);
    }

    [Fact]
    public void A_read_that_is_not_valid_utf8_is_one_message_even_if_it_ends_like_the_start_of_a_character()
    {
        var decoder = new ChunkDecoder(1024);
        var messages = new List<byte[]>();
        byte[] read = [0xFF, 0xFE, 0x00, 0xF0, 0x9F];

        decoder.Decode(read, messages);

        Assert.Equal([read], messages);
        Assert.Equal(0, decoder.BufferedBytes);
    }

    [Fact]
    public void Bytes_that_cannot_start_a_character_are_not_carried()
    {
        // C0 is never valid; E0 80 would be an overlong form; a lone continuation has no start.
        Assert.Equal(0, ChunkDecoder.IncompleteTail([(byte)'a', 0xC0]));
        Assert.Equal(0, ChunkDecoder.IncompleteTail([0xE0, 0x80]));
        Assert.Equal(0, ChunkDecoder.IncompleteTail([0x80, 0x80, 0x80]));
        Assert.Equal(0, ChunkDecoder.IncompleteTail("abc"u8));
        Assert.Equal(3, ChunkDecoder.IncompleteTail([(byte)'a', 0xF0, 0x9F, 0x98]));
    }

    [Fact]
    public void A_3000_byte_cjk_message_read_1024_bytes_at_a_time_comes_out_in_pieces_that_each_decode()
    {
        var name = string.Concat(Enumerable.Range(0, 1000).Select(i => (char)(0x4E00 + i)));
        var bytes = Encoding.UTF8.GetBytes(name);
        var decoder = new ChunkDecoder(1024);
        var messages = new List<byte[]>();

        foreach (var read in bytes.Chunk(1024))
            decoder.Decode(read, messages);
        decoder.Complete(messages);

        Assert.All(messages, m => Assert.InRange(m.Length, 1, 1024));
        Assert.Equal(name, string.Concat(messages.Select(m => StrictUtf8.GetString(m))));
    }
}
