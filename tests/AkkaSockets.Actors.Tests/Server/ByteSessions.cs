using FsCheck;
using FsCheck.Fluent;

namespace AkkaSockets.Actors.Tests.Server;

/// <summary>A client's whole input, where TCP cuts it, and the server limits it meets.</summary>
public sealed record ByteSession(byte[] Bytes, int[] Cuts, int MaxFrameBytes, int MaxPending, int Seed)
{
    public List<byte[]> Reads()
    {
        var reads = new List<byte[]>();
        var start = 0;
        foreach (var cut in Cuts.Append(Bytes.Length))
        {
            if (cut <= start)
                continue;
            reads.Add(Bytes[start..cut]);
            start = cut;
        }

        return reads;
    }

    public override string ToString() =>
        $"max={MaxFrameBytes} pending={MaxPending} seed={Seed} bytes={Convert.ToHexString(Bytes)} cuts=[{string.Join(',', Cuts)}]";
}

public static class ByteSessions
{
    /// <summary>Any byte values, biased towards the ones framing cares about.</summary>
    public static Arbitrary<ByteSession> Sessions() => Build(AnyByte()).ToArbitrary();

    internal static Gen<ByteSession> Build(Gen<byte> bytes) =>
        from max in Gen.Choose(4, 12)
        from pending in Gen.Choose(1, 4)
        from seed in Gen.Choose(0, int.MaxValue)
        from pieces in Gen.ListOf(Piece(max, bytes)).Resize(14)
        let all = pieces.SelectMany(p => p).ToArray()
        from cuts in Gen.ArrayOf(Gen.Choose(0, all.Length))
        select new ByteSession(all, [.. cuts.Order()], max, pending, seed);

    private static Gen<byte[]> Piece(int max, Gen<byte> bytes) => Gen.Frequency(
        (4, Gen.Constant("\n"u8.ToArray())),
        (2, Gen.Constant("\r\n"u8.ToArray())),
        (1, Gen.Constant("\r"u8.ToArray())),
        (1, Gen.Constant("exit"u8.ToArray())),
        (5, Gen.ArrayOf(bytes, 3)),
        (2, Gen.Choose(max - 1, max + 2).SelectMany(n => Gen.ArrayOf(bytes, n))));

    private static Gen<byte> AnyByte() => Gen.Frequency(
        (3, Gen.Choose('a', 'z').Select(b => (byte)b)),
        (1, Gen.Choose(0, 255).Select(b => (byte)b)));
}

/// <summary>Chunk framing: ASCII and bytes that never start a UTF-8 sequence, so pieces are cut at the limit.</summary>
public static class ChunkSafeSessions
{
    public static Arbitrary<ByteSession> Sessions() => ByteSessions.Build(Gen.Frequency(
        (6, Gen.Choose('a', 'z').Select(b => (byte)b)),
        (1, Gen.Choose(0, 0x7F).Select(b => (byte)b)),
        (1, Gen.Elements<byte>(0xC0, 0xC1, 0xF8, 0xFE, 0xFF)))).ToArbitrary();
}
