namespace AkkaSockets.Protocol.Framing;

public static class FrameDecoders
{
    /// <summary>The smallest frame limit: a UTF-8 sequence (4 bytes) must fit in one piece.</summary>
    public const int MinFrameBytes = 4;

    public static IFrameDecoder Create(FramingMode mode, int maxFrameBytes) => mode switch
    {
        FramingMode.Chunk => new ChunkDecoder(maxFrameBytes),
        FramingMode.Line => new LineDecoder(maxFrameBytes),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown framing"),
    };
}
