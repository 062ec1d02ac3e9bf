using AkkaSockets.Protocol.Framing;

namespace AkkaSockets.Protocol.Greeting;

/// <summary>The greeting server's bytes on the wire, shared by nothing but the wire.</summary>
public static class GreetingProtocol
{
    public static ReadOnlySpan<byte> Welcome => "Welcome!"u8;

    public static ReadOnlySpan<byte> ExitCommand => "exit"u8;

    private static ReadOnlySpan<byte> HelloPrefix => "Hello, "u8;

    private static ReadOnlySpan<byte> HelloSuffix => "!"u8;

    private static ReadOnlySpan<byte> LineEnd => "\r\n"u8;

    public static bool IsExit(ReadOnlySpan<byte> message) => message.SequenceEqual(ExitCommand);

    /// <summary>The greeting sent on accept: bare in chunk framing, with <c>\r\n</c> in line framing.</summary>
    public static byte[] Greeting(FramingMode mode) => WithLineEnd(Welcome, mode);

    public static byte[] ServerBusy(FramingMode mode) => WithLineEnd("Server busy"u8, mode);

    public static byte[] LineTooLong(FramingMode mode) => WithLineEnd("Error: line too long"u8, mode);

    /// <summary><c>Hello, </c> + the message bytes unchanged + <c>!</c>, whatever the bytes are.</summary>
    public static byte[] Reply(ReadOnlySpan<byte> message, FramingMode mode)
    {
        var end = mode == FramingMode.Line ? LineEnd : [];
        var reply = new byte[HelloPrefix.Length + message.Length + HelloSuffix.Length + end.Length];
        var span = reply.AsSpan();
        HelloPrefix.CopyTo(span);
        span = span[HelloPrefix.Length..];
        message.CopyTo(span);
        span = span[message.Length..];
        HelloSuffix.CopyTo(span);
        end.CopyTo(span[HelloSuffix.Length..]);
        return reply;
    }

    private static byte[] WithLineEnd(ReadOnlySpan<byte> text, FramingMode mode) =>
        mode == FramingMode.Line ? [.. text, .. LineEnd] : text.ToArray();
}
