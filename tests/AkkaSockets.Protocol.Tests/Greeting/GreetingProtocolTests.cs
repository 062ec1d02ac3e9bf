using AkkaSockets.Protocol.Framing;
using AkkaSockets.Protocol.Greeting;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AkkaSockets.Protocol.Tests.Greeting;

public sealed class GreetingProtocolTests
{
    [Property(MaxTest = 300)]
    public Property A_reply_carries_any_message_bytes_unchanged() =>
        Prop.ForAll(
            Gen.Zip(Gen.Elements(FramingMode.Chunk, FramingMode.Line), ArbMap.Default.GeneratorFor<byte[]>()).ToArbitrary(),
            t =>
            {
                var (mode, message) = t;
                var end = mode == FramingMode.Line ? "\r\n"u8.ToArray() : [];

                var reply = GreetingProtocol.Reply(message, mode);

                Assert.Equal([.. "Hello, "u8, .. message, .. "!"u8, .. end], reply);
            });

    [Fact]
    public void Invalid_utf8_and_nul_bytes_come_back_byte_for_byte()
    {
        byte[] message = [0xFF, 0xFE, 0x00, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0x00];

        var reply = GreetingProtocol.Reply(message, FramingMode.Chunk);

        Assert.Equal([.. "Hello, "u8, .. message, .. "!"u8], reply);
    }

    [Fact]
    public void The_greeting_is_bare_in_chunk_framing_and_ends_with_crlf_in_line_framing()
    {
        Assert.Equal("Welcome!"u8.ToArray(), GreetingProtocol.Greeting(FramingMode.Chunk));
        Assert.Equal("Welcome!\r\n"u8.ToArray(), GreetingProtocol.Greeting(FramingMode.Line));
    }

    [Fact]
    public void Only_the_exact_word_exit_is_the_exit_command()
    {
        Assert.True(GreetingProtocol.IsExit("exit"u8));
        Assert.False(GreetingProtocol.IsExit("Exit"u8));
        Assert.False(GreetingProtocol.IsExit("exit "u8));
        Assert.False(GreetingProtocol.IsExit("exit\n"u8));
        Assert.False(GreetingProtocol.IsExit(""u8));
    }
}
