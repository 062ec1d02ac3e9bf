using HdrHistogram;
using HdrHistogram.Utilities;

namespace AkkaSockets.Actors.Client.Distributed;

/// <summary>
/// A reply-latency histogram as HdrHistogram's own compressed encoding (the V2 format its other
/// ports read too), so a worker's every recorded value reaches the coordinator and merges exactly.
/// </summary>
public static class HistogramCodec
{
    public static byte[] Encode(HistogramBase histogram)
    {
        var buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
        var length = histogram.EncodeIntoCompressedByteBuffer(buffer);
        // The buffer's own array is not public: read the encoding back byte by byte.
        var bytes = new byte[length];
        buffer.Position = 0;
        for (var i = 0; i < length; i++)
            bytes[i] = buffer.Get();
        return bytes;
    }

    public static HistogramBase Decode(byte[] bytes) =>
        HistogramEncoding.DecodeFromCompressedByteBuffer(ByteBuffer.Allocate(bytes), LoadRecorder.HighestMicros);

    /// <summary>One histogram holding every value of <paramref name="parts"/>.</summary>
    public static HistogramBase Merge(IEnumerable<HistogramBase> parts)
    {
        var all = new LongHistogram(LoadRecorder.HighestMicros, 3);
        foreach (var part in parts)
            all.Add(part);
        return all;
    }
}
