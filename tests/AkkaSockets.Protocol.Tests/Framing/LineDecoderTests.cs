using System.Text;
using AkkaSockets.Protocol.Framing;

namespace AkkaSockets.Protocol.Tests.Framing;

public sealed class LineDecoderTests
{
    private static readonly Encoding Utf8 = Encoding.UTF8;

    [Fact]
    public void A_line_ending_in_crlf_is_one_message_without_the_terminator()
    {
        var decoder = new LineDecoder(1024);
        var messages = new List<byte[]>();

        var outcome = decoder.Decode("Michael\r\n"u8, messages);

        Assert.Equal(DecodeOutcome.Ok, outcome);
        Assert.Equal(["Michael"], Texts(messages));
        Assert.Equal(0, decoder.BufferedBytes);
    }

    [Fact]
    public void A_line_ending_in_a_bare_newline_is_one_message()
    {
        var decoder = new LineDecoder(1024);
        var messages = new List<byte[]>();

        decoder.Decode("Tracy\n"u8, messages);

        Assert.Equal(["Tracy"], Texts(messages));
    }

    [Fact]
    public void A_carriage_return_inside_a_line_is_kept()
    {
        var decoder = new LineDecoder(1024);
        var messages = new List<byte[]>();

        decoder.Decode("a\rb\r\n"u8, messages);

        Assert.Equal(["a\rb"], Texts(messages));
    }

    [Fact]
    public void A_partial_line_waits_for_the_rest()
    {
        var decoder = new LineDecoder(1024);
        var messages = new List<byte[]>();

        decoder.Decode("Mich"u8, messages);
        Assert.Empty(messages);
        Assert.Equal(4, decoder.BufferedBytes);

        decoder.Decode("ael\r"u8, messages);
        Assert.Empty(messages);

        decoder.Decode("\n"u8, messages);
        Assert.Equal(["Michael"], Texts(messages));
        Assert.Equal(0, decoder.BufferedBytes);
    }

    [Fact]
    public void Several_lines_in_one_read_are_several_messages_in_order()
    {
        var decoder = new LineDecoder(1024);
        var messages = new List<byte[]>();

        decoder.Decode("Michael\nTracy\r\nSarah\nexit\n"u8, messages);

        Assert.Equal(["Michael", "Tracy", "Sarah", "exit"], Texts(messages));
    }

    [Fact]
    public void The_end_of_a_partial_line_and_the_next_lines_in_one_read_are_all_decoded()
    {
        var decoder = new LineDecoder(1024);
        var messages = new List<byte[]>();

        decoder.Decode("Mi"u8, messages);
        decoder.Decode("chael\nTracy\nSa"u8, messages);

        Assert.Equal(["Michael", "Tracy"], Texts(messages));
        Assert.Equal(2, decoder.BufferedBytes);
    }

    [Fact]
    public void A_short_partial_line_completed_by_a_long_read_is_one_message()
    {
        // The held line starts in a small buffer; the rest must still fit up to the frame limit.
        var decoder = new LineDecoder(1024);
        var messages = new List<byte[]>();
        var rest = new string('b', 900);

        decoder.Decode("a"u8, messages);
        var outcome = decoder.Decode(Utf8.GetBytes(rest + "\n"), messages);

        Assert.Equal(DecodeOutcome.Ok, outcome);
        Assert.Equal(["a" + rest], Texts(messages));
    }

    [Fact]
    public void A_line_of_exactly_the_frame_limit_is_accepted()
    {
        var decoder = new LineDecoder(16);
        var messages = new List<byte[]>();
        var line = new string('x', 16);

        var outcome = decoder.Decode(Utf8.GetBytes(line + "\r\n"), messages);

        Assert.Equal(DecodeOutcome.Ok, outcome);
        Assert.Equal([line], Texts(messages));
    }

    [Fact]
    public void A_line_over_the_frame_limit_in_one_read_is_refused()
    {
        var decoder = new LineDecoder(16);
        var messages = new List<byte[]>();

        var outcome = decoder.Decode(Utf8.GetBytes("ok\n" + new string('x', 17) + "\nlater\n"), messages);

        Assert.Equal(DecodeOutcome.LineTooLong, outcome);
        Assert.Equal(["ok"], Texts(messages));
        Assert.Equal(0, decoder.BufferedBytes);
    }

    [Fact]
    public void A_line_over_the_frame_limit_is_refused_before_its_end_arrives()
    {
        var decoder = new LineDecoder(16);
        var messages = new List<byte[]>();

        var first = decoder.Decode(Utf8.GetBytes(new string('x', 10)), messages);
        var second = decoder.Decode(Utf8.GetBytes(new string('x', 10)), messages);

        Assert.Equal(DecodeOutcome.Ok, first);
        Assert.Equal(DecodeOutcome.LineTooLong, second);
        Assert.Empty(messages);
        Assert.Equal(0, decoder.BufferedBytes);
    }

    [Fact]
    public void A_held_line_one_byte_over_the_limit_is_refused_without_waiting_for_its_end()
    {
        var decoder = new LineDecoder(16);
        var messages = new List<byte[]>();

        var outcome = decoder.Decode(Utf8.GetBytes(new string('x', 17)), messages);

        Assert.Equal(DecodeOutcome.LineTooLong, outcome);
        Assert.Equal(0, decoder.BufferedBytes);
    }

    [Fact]
    public void A_held_line_at_the_limit_plus_the_carriage_return_of_its_terminator_still_waits()
    {
        var decoder = new LineDecoder(16);
        var messages = new List<byte[]>();
        var line = new string('x', 16);

        var first = decoder.Decode(Utf8.GetBytes(line + "\r"), messages);
        var second = decoder.Decode("\n"u8, messages);

        Assert.Equal(DecodeOutcome.Ok, first);
        Assert.Equal(DecodeOutcome.Ok, second);
        Assert.Equal([line], Texts(messages));
    }

    [Fact]
    public void A_refused_decoder_takes_no_more_input()
    {
        var decoder = new LineDecoder(16);
        var messages = new List<byte[]>();
        decoder.Decode(Utf8.GetBytes(new string('x', 20) + "\n"), messages);

        var outcome = decoder.Decode("Michael\n"u8, messages);
        decoder.Complete(messages);

        Assert.Equal(DecodeOutcome.LineTooLong, outcome);
        Assert.Empty(messages);
    }

    [Fact]
    public void Complete_at_end_of_stream_hands_out_an_unterminated_last_line()
    {
        var decoder = new LineDecoder(1024);
        var messages = new List<byte[]>();

        decoder.Decode("Michael\nexit"u8, messages);
        decoder.Complete(messages);

        Assert.Equal(["Michael", "exit"], Texts(messages));
        Assert.Equal(0, decoder.BufferedBytes);
    }

    [Fact]
    public void Complete_with_nothing_held_hands_out_nothing()
    {
        var decoder = new LineDecoder(1024);
        var messages = new List<byte[]>();

        decoder.Decode("Michael\n"u8, messages);
        decoder.Complete(messages);

        Assert.Equal(["Michael"], Texts(messages));
    }

    [Fact]
    public void A_frame_limit_below_one_utf8_sequence_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineDecoder(FrameDecoders.MinFrameBytes - 1));
    }

    private static string[] Texts(IEnumerable<byte[]> messages) => [.. messages.Select(m => Utf8.GetString(m))];
}
