using System.Text;
using AkkaSockets.Protocol.Framing;

namespace AkkaSockets.Protocol.Tests.Framing;

public sealed class ChunkDecoderTests
{
    private static readonly Encoding Utf8 = Encoding.UTF8;

    [Fact]
    public void One_read_is_one_message()
    {
        var messages = Decode(1024, "Michael"u8);

        Assert.Equal(["Michael"], Texts(messages));
    }

    [Fact]
    public void A_trailing_crlf_typed_by_nc_is_removed()
    {
        Assert.Equal(["Michael"], Texts(Decode(1024, "Michael\r\n"u8)));
        Assert.Equal(["exit"], Texts(Decode(1024, "exit\n"u8)));
    }

    [Fact]
    public void Only_one_trailing_line_end_is_removed()
    {
        Assert.Equal(["a\n"], Texts(Decode(1024, "a\n\n"u8)));
        Assert.Equal(["a\r\n"], Texts(Decode(1024, "a\r\n\r\n"u8)));
        Assert.Equal(["a\r"], Texts(Decode(1024, "a\r"u8)));
    }

    [Fact]
    public void Line_ends_inside_a_read_are_kept()
    {
        Assert.Equal(["Michael\nTracy"], Texts(Decode(1024, "Michael\nTracy\n"u8)));
    }

    [Fact]
    public void A_read_over_the_frame_limit_is_cut_into_pieces_of_at_most_the_limit()
    {
        var data = Utf8.GetBytes(new string('a', 1024) + new string('b', 1024) + "c");

        var messages = Decode(1024, data);

        Assert.Equal([1024, 1024, 1], messages.Select(m => m.Length));
        Assert.Equal(data, messages.SelectMany(m => m));
    }

    [Fact]
    public void A_multibyte_character_across_the_limit_moves_whole_into_the_next_piece()
    {
        // 1022 ASCII bytes then a 4-byte emoji: cutting at 1024 would split the emoji.
        var text = new string('a', 1022) + "😀" + "z";

        var messages = Decode(1024, Utf8.GetBytes(text));

        Assert.Equal([1022, 5], messages.Select(m => m.Length));
        Assert.Equal(["😀z"], Texts(messages.Skip(1)));
    }

    [Fact]
    public void A_multibyte_character_that_ends_at_the_limit_stays_in_the_piece()
    {
        var text = new string('a', 1021) + "€" + "z";

        var messages = Decode(1024, Utf8.GetBytes(text));

        Assert.Equal([1024, 1], messages.Select(m => m.Length));
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_cut_at_the_limit()
    {
        var data = Enumerable.Repeat((byte)0x80, 10).ToArray();

        var messages = Decode(4, data);

        Assert.Equal([4, 4, 2], messages.Select(m => m.Length));
    }

    [Fact]
    public void A_read_that_ends_on_a_whole_character_leaves_nothing_held_for_the_next_read()
    {
        var decoder = new ChunkDecoder(1024);
        var messages = new List<byte[]>();

        decoder.Decode("Mich"u8, messages);
        decoder.Complete(messages);

        Assert.Equal(["Mich"], Texts(messages));
        Assert.Equal(0, decoder.BufferedBytes);
    }

    private static List<byte[]> Decode(int max, ReadOnlySpan<byte> data)
    {
        var messages = new List<byte[]>();
        Assert.Equal(DecodeOutcome.Ok, new ChunkDecoder(max).Decode(data, messages));
        return messages;
    }

    private static string[] Texts(IEnumerable<byte[]> messages) => [.. messages.Select(m => Utf8.GetString(m))];
}
