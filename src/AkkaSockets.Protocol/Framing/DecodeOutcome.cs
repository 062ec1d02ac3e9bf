namespace AkkaSockets.Protocol.Framing;

public enum DecodeOutcome
{
    Ok,

    /// <summary>A line passed the frame limit; the decoder takes no more input.</summary>
    LineTooLong,
}
