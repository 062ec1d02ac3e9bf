namespace AkkaSockets.Protocol.Framing;

/// <summary>How a byte stream is cut into greeting messages.</summary>
public enum FramingMode
{
    /// <summary>One read is one message (the tutorial's <c>recv(1024)</c>), cut to the frame limit.</summary>
    Chunk,

    /// <summary>Messages end at <c>\n</c>; replies end with <c>\r\n</c>.</summary>
    Line,
}
