namespace AkkaSockets.Protocol.Framing;

/// <summary>
/// Turns the bytes of successive reads into messages. A read may hold part of a message or
/// several; every message handed out is at most the configured frame limit.
/// </summary>
public interface IFrameDecoder
{
    /// <summary>Appends every complete message in <paramref name="data"/> to <paramref name="messages"/>.</summary>
    DecodeOutcome Decode(ReadOnlySpan<byte> data, ICollection<byte[]> messages);

    /// <summary>
    /// At end of stream: appends what is left of an unterminated message, if any, or reports that
    /// it is over the limit (an unterminated line too long must be refused like a terminated one).
    /// </summary>
    DecodeOutcome Complete(ICollection<byte[]> messages);

    /// <summary>Bytes held back waiting for the rest of a message.</summary>
    int BufferedBytes { get; }
}
