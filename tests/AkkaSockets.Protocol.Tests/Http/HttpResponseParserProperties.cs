using System.Globalization;
using System.Text;
using AkkaSockets.Protocol.Http;
using FsCheck;
using FsCheck.Xunit;

namespace AkkaSockets.Protocol.Tests.Http;

public sealed class HttpResponseParserProperties
{
    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>A response carrying <paramref name="body"/> in the framing <paramref name="framing"/> picks (0..2).</summary>
    private static byte[] Response(byte[] body, int framing, int[] chunkSizes)
    {
        var output = new MemoryStream();
        switch (Math.Abs(framing % 3))
        {
            case 0:
                output.Write(Ascii($"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\n\r\n"));
                output.Write(body);
                break;
            case 1:
                output.Write(Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                var offset = 0;
                var i = 0;
                while (offset < body.Length)
                {
                    var size = Math.Min(body.Length - offset, 1 + Math.Abs(chunkSizes.Length == 0 ? 7 : chunkSizes[i++ % chunkSizes.Length] % 64));
                    output.Write(Ascii(size.ToString("x", CultureInfo.InvariantCulture) + (i % 2 == 0 ? ";ext=1" : string.Empty) + "\r\n"));
                    output.Write(body, offset, size);
                    output.Write("\r\n"u8);
                    offset += size;
                }

                output.Write("0\r\nTrailer: yes\r\n\r\n"u8);
                break;
            default:
                output.Write(Ascii("HTTP/1.0 200 OK\r\nServer: test\r\n\r\n"));
                output.Write(body);
                break;
        }

        return output.ToArray();
    }

    [Property(MaxTest = 300)]
    public void Any_split_of_a_response_yields_the_same_head_and_body(byte[] body, int framing, int[] chunkSizes, int[] cuts)
    {
        var data = Response(body, framing, chunkSizes);
        var (whole, _) = ResponseCollector.Parse(data);
        var (split, _) = ResponseCollector.Parse(data, cuts);

        Assert.Equal(body, whole.Body);
        Assert.Equal(body, split.Body);
        Assert.Equal(whole.Heads[0].Lines, split.Heads[0].Lines);
        Assert.Equal(1, split.Completions);
    }

    [Property(MaxTest = 300)]
    public void Byte_by_byte_feeding_yields_the_same_body(byte[] body, int framing, int[] chunkSizes)
    {
        var data = Response(body, framing, chunkSizes);
        var (r, _) = ResponseCollector.Parse(data, Enumerable.Range(0, data.Length));
        Assert.Equal(body, r.Body);
    }
}
