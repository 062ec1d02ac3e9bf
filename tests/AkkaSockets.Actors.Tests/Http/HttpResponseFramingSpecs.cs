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

    /// <summary>A whole response carrying <paramref name="body"/>, framed as <paramref name="framing"/> says.</summary>
    private static byte[] Response(string framing, byte[] body, int chunk) => framing switch
    {
        "chunked" => Chunked(body, chunk),
        "content-length" => [.. Ascii($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n"), .. body],
        _ => [.. Ascii("HTTP/1.0 200 OK\r\nServer: raw\r\n\r\n"), .. body],
    };

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
        var response = Response(framing, body, chunk: 7_000);
        var (wholeHead, wholeBody) = await Run([ByteString.FromBytes(response)]);
        Assert.Equal(body, wholeBody);

        for (var seed = 0; seed < 30; seed++)
        {
            var (head, split) = await Run(Split(response, new Random(seed)).ToList());
            Assert.Equal(wholeHead.Lines, head.Lines);
            Assert.Equal(body, split);
        }
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task A_body_read_into_a_reused_ring_and_written_by_the_body_sink_arrives_byte_for_byte(string framing)
    {
        var body = Body(200_000);
        var response = Response(framing, body, chunk: 3_001);

        // As the fetch command's own config has it (hocon/fetch.hocon).
        var oneInFlight = Sys.Materializer(ActorMaterializerSettings.Create(Sys).WithInputBuffer(1, 1));
        for (var seed = 0; seed < 5; seed++)
        {
            // Small arrays, reads of any size, some completing later, a sink that now and then
            // falls behind, one element per boundary as the fetch runs: arrays are reused while
            // the framing slices them.
            var ring = new ReadBufferRing(count: 8, size: 4_096);
            var saved = new MemoryStream();
            var random = new Random(seed);
            var (head, written) = ConnectionSource.From(new DribblingStream(response, new Random(seed + 100)), ring)
                .ViaMaterialized(new HttpResponseFraming(), Keep.Right)
                .SelectAsync(1, async bytes =>
                {
                    if (random.Next(4) == 0)
                        await Task.Yield();
                    return bytes;
                })
                .ToMaterialized(Sink.FromGraph(new BodySink(() => saved, ring)), Keep.Both)
                .Run(oneInFlight);

            Assert.Equal(200, (await head.WaitAsync(Bound)).StatusCode);
            var result = await written.WaitAsync(Bound);
            Assert.True(result.WasSuccessful);
            Assert.Equal(body.Length, result.Count);
            Assert.Equal(body, saved.ToArray());
            // The body is ~50 arrays' worth, and with one element per boundary no more than about
            // six are ever in flight: every array was one of the ring's eight, read into again.
            Assert.Equal(0, ring.Overflows);
        }
    }

    /// <summary>A connection that hands out what it holds in reads of random size, some completing only later.</summary>
    private sealed class DribblingStream(byte[] bytes, Random random) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => bytes.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (random.Next(3) == 0)
                await Task.Yield();
            var count = Math.Min(Math.Min(buffer.Length, bytes.Length - _position), random.Next(1, 6_000));
            bytes.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
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
