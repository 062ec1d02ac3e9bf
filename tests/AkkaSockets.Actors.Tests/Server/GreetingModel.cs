using System.Text;

namespace AkkaSockets.Actors.Tests.Server;

/// <summary>
/// The server's bytes on the wire, written from the spec (§2–§3) and nothing else: what a client
/// that sends <c>stream</c> (then end of stream) must read back before the server closes.
/// </summary>
public static class GreetingModel
{
    private static readonly byte[] Exit = "exit"u8.ToArray();

    /// <summary>Line framing: split on \n, drop one \r, reply with \r\n, exit or an over-long line ends it.</summary>
    public static byte[] LineReplies(byte[] stream, int maxFrameBytes)
    {
        var output = new List<byte>("Welcome!\r\n"u8.ToArray());
        foreach (var line in Lines(stream))
        {
            if (line.Length > maxFrameBytes)
            {
                output.AddRange("Error: line too long\r\n"u8.ToArray());
                break;
            }

            if (line.AsSpan().SequenceEqual(Exit))
                break;
            output.AddRange(Hello(line, "\r\n"));
        }

        return [.. output];
    }

    /// <summary>How many messages the complete lines among these bytes make (the unfinished one waits).</summary>
    public static int CompleteLines(IEnumerable<byte[]> reads) => reads.Sum(r => r.Count(b => b == '\n'));

    /// <summary>
    /// Chunk framing, for bytes whose cut points never fall inside a UTF-8 sequence: each read
    /// loses one trailing line end and is cut into pieces of the limit; each piece is a message.
    /// </summary>
    public static byte[] ChunkReplies(IEnumerable<byte[]> reads, int maxFrameBytes)
    {
        var output = new List<byte>("Welcome!"u8.ToArray());
        foreach (var message in reads.SelectMany(r => ChunkMessages(r, maxFrameBytes)))
        {
            if (message.AsSpan().SequenceEqual(Exit))
                break;
            output.AddRange(Hello(message, string.Empty));
        }

        return [.. output];
    }

    public static IEnumerable<byte[]> ChunkMessages(byte[] read, int maxFrameBytes)
    {
        var body = read.AsSpan();
        if (body.EndsWith("\r\n"u8))
            body = body[..^2];
        else if (body.EndsWith("\n"u8))
            body = body[..^1];
        if (body.IsEmpty)
            return [[]];

        var messages = new List<byte[]>();
        for (var start = 0; start < body.Length; start += maxFrameBytes)
            messages.Add(body[start..Math.Min(body.Length, start + maxFrameBytes)].ToArray());
        return messages;
    }

    private static IEnumerable<byte[]> Lines(byte[] stream)
    {
        var start = 0;
        while (start < stream.Length)
        {
            var newline = Array.IndexOf(stream, (byte)'\n', start);
            var end = newline < 0 ? stream.Length : newline;
            var line = stream[start..end];
            if (line.Length > 0 && line[^1] == '\r')
                line = line[..^1];
            yield return line;
            start = end + 1;
        }
    }

    private static byte[] Hello(byte[] message, string end) =>
        [.. "Hello, "u8.ToArray(), .. message, (byte)'!', .. Encoding.ASCII.GetBytes(end)];
}
