using System.Globalization;
using System.Text;
using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Protocol.Tests.Support;

/// <summary>A well-formed response, the body it declares, and where its final head ends.</summary>
internal sealed record HttpSample(byte[] Bytes, byte[] Body, BodyFraming Framing, int BodyStart);

/// <summary>
/// Builds valid responses in many shapes (interim responses, folded headers, bare LF, leading
/// zeros, extensions, trailers) so that mutations start from every parser state, not just the head.
/// </summary>
internal static class HttpParserSamples
{
    // Bytes that steer a mutated response into the parser's less travelled paths.
    private static readonly byte[][] Tokens =
    [
        "\r\n"u8.ToArray(), "\n"u8.ToArray(), "\r"u8.ToArray(), ":"u8.ToArray(), ";"u8.ToArray(), " "u8.ToArray(), "\t"u8.ToArray(),
        "0\r\n\r\n"u8.ToArray(), "Transfer-Encoding: chunked\r\n"u8.ToArray(), "Content-Length: 5\r\n"u8.ToArray(),
        "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), "FFFFFFFFFFFFFFFFF"u8.ToArray(), "7fffffffffffffff\r\n"u8.ToArray(),
        [0x00], [0x7F], [0xFF], [0xC3, 0x28],
    ];

    public static HttpSample Build(Random random, byte[] body, bool allowCloseDelimited = true)
    {
        var framing = random.Next(allowCloseDelimited ? 3 : 2) switch
        {
            0 => BodyFraming.ContentLength,
            1 => BodyFraming.Chunked,
            _ => BodyFraming.CloseDelimited,
        };
        var eol = random.Next(4) == 0 ? "\n" : "\r\n";
        var output = new MemoryStream();
        void Text(string s) => output.Write(Encoding.ASCII.GetBytes(s));

        for (var i = random.Next(3); i > 0; i--)
            Text(random.Next(2) == 0 ? $"HTTP/1.1 100 Continue{eol}{eol}" : $"HTTP/1.1 103 Early Hints{eol}Link: </a.css>{eol}{eol}");

        Text(framing == BodyFraming.CloseDelimited ? $"HTTP/1.0 200 OK{eol}" : $"HTTP/1.1 200 OK{eol}");
        Text($"Server: sample{eol}");
        if (random.Next(3) == 0)
            Text($"X-Folded: one{eol} two{eol}\tthree{eol}");

        Text(framing switch
        {
            BodyFraming.ContentLength => $"Content-Length: {body.Length}{eol}{eol}",
            BodyFraming.Chunked => $"Transfer-Encoding: chunked{eol}{eol}",
            _ => eol,
        });
        var bodyStart = (int)output.Length;
        switch (framing)
        {
            case BodyFraming.ContentLength:
                output.Write(body);
                break;
            case BodyFraming.Chunked:
                for (var offset = 0; offset < body.Length;)
                {
                    var size = Math.Min(body.Length - offset, 1 + random.Next(random.Next(2) == 0 ? 4 : 40));
                    var hex = size.ToString(random.Next(2) == 0 ? "x" : "X", CultureInfo.InvariantCulture);
                    var zeros = new string('0', random.Next(3));
                    var extension = random.Next(3) == 0 ? ";name=\"va;lue\"" : string.Empty;
                    Text($"{zeros}{hex}{extension}{eol}");
                    output.Write(body, offset, size);
                    Text(eol);
                    offset += size;
                }

                Text($"0{eol}");
                if (random.Next(2) == 0)
                    Text($"X-Trailer: yes{eol}");
                Text(eol);
                break;
            default:
                output.Write(body);
                break;
        }

        return new HttpSample(output.ToArray(), body, framing, bodyStart);
    }

    /// <summary>
    /// Flips, inserts (random bytes or tokens), deletes, duplicates or truncates, a few times; half
    /// the time only after the head, since a broken head hides everything behind it.
    /// </summary>
    public static byte[] Mutate(Random random, HttpSample sample)
    {
        var bytes = new List<byte>(sample.Bytes);
        var from = random.Next(2) == 0 ? 0 : sample.BodyStart;
        for (var n = 1 + random.Next(6); n > 0; n--)
        {
            var at = Math.Min(bytes.Count, from + random.Next(Math.Max(0, bytes.Count - from) + 1));
            switch (random.Next(6))
            {
                case 0 when at < bytes.Count:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 2:
                    bytes.InsertRange(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                case 3 when at < bytes.Count:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(8)));
                    break;
                case 4 when at < bytes.Count:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16))));
                    break;
                case 5:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Random cut points, from none to one per byte.</summary>
    public static int[] Cuts(Random random, int length) =>
        random.Next(4) switch
        {
            0 => [],
            1 => Enumerable.Range(1, length).ToArray(),
            _ => Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.Next(length + 1)).Order().ToArray(),
        };
}
