using System.Text;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.IO;
using Akka.Streams.TestKit;
using AkkaSockets.Actors.Http;
using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Actors.Tests.Http;

public sealed class HttpResponseFramingSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly IMaterializer _materializer;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("framing-spec-");

    public HttpResponseFramingSpecs() => _materializer = Sys.Materializer();

    private static byte[] Body(int length)
    {
        var body = new byte[length];
        new Random(length).NextBytes(body);
        "\r\n\r\n0\r\n\r\n"u8.CopyTo(body.AsSpan(length / 2));
        return body;
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] Chunked(byte[] body, int chunk)
    {
        var bytes = new List<byte>(Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
        for (var offset = 0; offset < body.Length; offset += chunk)
        {
            var size = Math.Min(chunk, body.Length - offset);
            bytes.AddRange(Ascii($"{size:x};ext=1\r\n"));
            bytes.AddRange(body.AsSpan(offset, size).ToArray());
            bytes.AddRange("\r\n"u8.ToArray());
        }

        bytes.AddRange(Ascii("0\r\nX-Trailer: yes\r\n\r\n"));
        return [.. bytes];
    }

    /// <summary>Cuts <paramref name="bytes"/> at random places (single bytes included).</summary>
    private static IEnumerable<ByteString> Split(byte[] bytes, Random random)
    {
        for (var offset = 0; offset < bytes.Length;)
        {
            var length = Math.Min(bytes.Length - offset, random.Next(4) == 0 ? 1 : random.Next(1, 3000));
            yield return ByteString.FromBytes(bytes.AsSpan(offset, length).ToArray());
            offset += length;
        }
    }

    private async Task<(HttpResponseHead Head, byte[] Body)> Run(IEnumerable<ByteString> pieces)
    {
        var (head, body) = Source.From(pieces)
            .ViaMaterialized(new HttpResponseFraming(), Keep.Right)
            .ToMaterialized(Sink.Seq<ByteString>(), Keep.Both)
            .Run(_materializer);
        var parts = await body.WaitAsync(Bound);
        return (await head.WaitAsync(Bound), parts.SelectMany(p => p.ToArray()).ToArray());
    }

    public static TheoryData<string> Framings => new() { "chunked", "content-length", "close" };

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task Any_split_of_the_input_gives_the_same_head_and_body(string framing)
    {
        var body = Body(40_000);
        var response = framing switch
        {
            "chunked" => Chunked(body, 7_000),
            "content-length" => [.. Ascii($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n"), .. body],
            _ => [.. Ascii("HTTP/1.0 200 OK\r\nServer: raw\r\n\r\n"), .. body],
        };
        var (wholeHead, wholeBody) = await Run([ByteString.FromBytes(response)]);
        Assert.Equal(body, wholeBody);

        for (var seed = 0; seed < 30; seed++)
        {
            var (head, split) = await Run(Split(response, new Random(seed)).ToList());
            Assert.Equal(wholeHead.Lines, head.Lines);
            Assert.Equal(body, split);
        }
    }

    [Fact]
    public async Task After_the_head_the_connection_is_read_only_as_fast_as_the_sink_takes_the_body()
    {
        var ((upstream, head), downstream) = TestSource.SourceProbe<ByteString>(this)
            .ViaMaterialized(new HttpResponseFraming(), Keep.Both)
            .ToMaterialized(TestSink.SinkProbe<ByteString>(this), Keep.Both)
            .WithAttributes(Attributes.CreateInputBuffer(1, 1))
            .Run(_materializer);

        // The head is read with no demand from the sink at all.
        upstream.ExpectRequest();
        upstream.SendNext(ByteString.FromBytes(Ascii("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc")));
        Assert.Equal(200, (await head.WaitAsync(Bound)).StatusCode);

        // One element of read-ahead (the input buffer of 1), then nothing until the sink asks.
        upstream.ExpectRequest();
        upstream.SendNext(ByteString.FromBytes(Ascii("def")));
        upstream.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        downstream.Request(1);
        Assert.Equal("abc", downstream.ExpectNext(Bound).ToString());
        upstream.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        downstream.Request(2);
        Assert.Equal("def", downstream.ExpectNext(Bound).ToString());
        upstream.ExpectRequest();
        upstream.SendNext(ByteString.FromBytes(Ascii("ghi and more than the body")));
        Assert.Equal("ghi", downstream.ExpectNext(Bound).ToString());
        downstream.ExpectComplete();
        // The body is complete: the connection is let go even though the server sent more.
        upstream.ExpectCancellation();
    }

    [Fact]
    public async Task A_malformed_head_fails_the_head_and_the_stream()
    {
        var (head, body) = Source.Single(ByteString.FromBytes(Ascii("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")))
            .ViaMaterialized(new HttpResponseFraming(), Keep.Right)
            .ToMaterialized(Sink.Ignore<ByteString>(), Keep.Both)
            .Run(_materializer);

        var e = await Assert.ThrowsAsync<HttpParseException>(() => head.WaitAsync(Bound));
        Assert.Equal(HttpParseError.MalformedHead, e.Error);
        await Assert.ThrowsAsync<HttpParseException>(() => body.WaitAsync(Bound));
    }

    [Fact]
    public async Task A_body_cut_short_fails_the_stream_as_truncated_after_the_head_arrived()
    {
        var (head, body) = Source.Single(ByteString.FromBytes(Ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")))
            .ViaMaterialized(new HttpResponseFraming(), Keep.Right)
            .ToMaterialized(Sink.Ignore<ByteString>(), Keep.Both)
            .Run(_materializer);

        Assert.Equal(200, (await head.WaitAsync(Bound)).StatusCode);
        var e = await Assert.ThrowsAsync<HttpParseException>(() => body.WaitAsync(Bound));
        Assert.Equal(HttpParseError.TruncatedBody, e.Error);
    }

    [Fact]
    public async Task Cancelling_mid_body_fails_the_file_sink_and_leaves_no_file()
    {
        var target = Path.Combine(_dir.FullName, "page.bin");
        var bodyTarget = BodyTarget.For(new FetchPage(HttpUrl.Parse("http://h/"), target, FailOnHttpError: false));
        var ((upstream, kill), written) = TestSource.SourceProbe<ByteString>(this)
            .ViaMaterialized(KillSwitches.Single<ByteString>(), Keep.Both)
            .Via(new HttpResponseFraming())
            .ToMaterialized(bodyTarget.Sink(), Keep.Both)
            .Run(_materializer);

        upstream.SendNext(ByteString.FromBytes([.. Ascii("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"), .. Body(30_000)]));
        await AwaitConditionAsync(() => Task.FromResult(_dir.GetFiles().Length == 1), Bound);

        kill.Abort(new OperationCanceledException("interrupted"));

        var e = await Assert.ThrowsAsync<AbruptIOTerminationException>(() => written.WaitAsync(Bound));
        Assert.IsType<OperationCanceledException>(e.InnerException?.GetBaseException(), exactMatch: false);
        bodyTarget.Discard();
        Assert.Empty(_dir.GetFiles());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _dir.Delete(recursive: true);
    }
}
