using System.Text;
using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Protocol.Tests.Http;

/// <summary>Servers that never stop sending one part of a response: every part has a cap.</summary>
[Trait("Category", "Hardening")]
public sealed class HttpParserLimitTests
{
    private const string ChunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

    // Far past every cap: an endless stream that is not refused by then never will be.
    private const int EndlessBytes = 1024 * 1024;

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>Feeds <paramref name="start"/>, then <paramref name="filler"/> over and over; returns the error and how much filler went in.</summary>
    private static (HttpParseException Error, long FillerBytes) FeedEndlessly(string start, string filler, ResponseCollector? sink = null)
    {
        var parser = new HttpResponseParser();
        sink ??= new ResponseCollector();
        var piece = Ascii(filler);
        long fed = 0;
        try
        {
            parser.Feed(Ascii(start), sink);
            while (fed < EndlessBytes)
            {
                parser.Feed(piece, sink);
                fed += piece.Length;
            }
        }
        catch (HttpParseException e)
        {
            return (e, fed);
        }

        throw new Xunit.Sdk.XunitException($"no cap after {fed} bytes of '{filler}'");
    }

    [Theory]
    [InlineData("X-Endless: ", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("", "X-Many: v\r\n")]
    [InlineData("X-Folded: v\r\n", " folded\r\n")]
    public void A_head_that_never_ends_is_refused_as_oversized_at_64_KiB(string start, string filler)
    {
        var (error, fed) = FeedEndlessly("HTTP/1.1 200 OK\r\n" + start, filler);

        Assert.Equal(HttpParseError.HeadTooLarge, error.Error);
        Assert.InRange(fed, HttpResponseParser.DefaultMaxHeadBytes - 200, HttpResponseParser.DefaultMaxHeadBytes);
    }

    [Theory]
    [InlineData("", "0000000000000000")]
    [InlineData("5;name=", "vvvvvvvvvvvvvvvv")]
    [InlineData("5", "                ")]
    public void A_chunk_size_line_that_never_ends_is_refused_as_a_malformed_body_at_4_KiB(string start, string filler)
    {
        var (error, fed) = FeedEndlessly(ChunkedHead + "3\r\nabc\r\n" + start, filler);

        Assert.Equal(HttpParseError.MalformedBody, error.Error);
        Assert.InRange(fed, HttpResponseParser.MaxChunkLineBytes - 32, HttpResponseParser.MaxChunkLineBytes);
    }

    [Fact]
    public void A_chunk_size_line_of_exactly_4_KiB_is_accepted_and_one_byte_more_is_not()
    {
        var exact = new string('0', HttpResponseParser.MaxChunkLineBytes - 3) + "3\r\n";
        Assert.Equal(HttpResponseParser.MaxChunkLineBytes, exact.Length);

        var (r, _) = ResponseCollector.Parse(Ascii(ChunkedHead + exact + "abc\r\n0\r\n\r\n"));
        Assert.Equal("abc"u8.ToArray(), r.Body);
        var e = Assert.Throws<HttpParseException>(() => ResponseCollector.Parse(Ascii(ChunkedHead + "0" + exact + "abc\r\n0\r\n\r\n")));
        Assert.Equal(HttpParseError.MalformedBody, e.Error);
    }

    [Theory]
    [InlineData("X-Trailer: ", "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt")]
    [InlineData("", "X-Trailer: t\r\n")]
    public void A_trailer_section_that_never_ends_is_refused_as_a_malformed_body_at_64_KiB(string start, string filler)
    {
        var sink = new ResponseCollector();
        var (error, fed) = FeedEndlessly(ChunkedHead + "3\r\nabc\r\n0\r\n" + start, filler, sink);

        Assert.Equal(HttpParseError.MalformedBody, error.Error);
        Assert.InRange(fed, HttpResponseParser.DefaultMaxHeadBytes - 200, HttpResponseParser.DefaultMaxHeadBytes);
        Assert.Equal(0, sink.Completions);
    }

    [Fact]
    public void Interim_responses_that_never_end_are_refused_after_32()
    {
        var (error, fed) = FeedEndlessly(string.Empty, "HTTP/1.1 100 Continue\r\n\r\n");

        Assert.Equal(HttpParseError.MalformedHead, error.Error);
        Assert.Equal(32 * "HTTP/1.1 100 Continue\r\n\r\n".Length, fed);
    }

    [Theory]
    [InlineData("8000000000000000")]
    [InlineData("FFFFFFFFFFFFFFFFF")]
    [InlineData("0001FFFFFFFFFFFFFFFF;ext")]
    public void A_chunk_size_past_the_largest_representable_is_a_malformed_body(string size)
    {
        var e = Assert.Throws<HttpParseException>(() => ResponseCollector.Parse(Ascii(ChunkedHead + size + "\r\n"), finish: false));

        Assert.Equal(HttpParseError.MalformedBody, e.Error);
        Assert.Contains("too large", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_largest_representable_chunk_size_is_accepted_and_then_truncated_by_the_close()
    {
        var e = Assert.Throws<HttpParseException>(() => ResponseCollector.Parse(Ascii(ChunkedHead + "7fffffffffffffff\r\nabc")));

        Assert.Equal(HttpParseError.TruncatedBody, e.Error);
    }

    [Theory]
    [InlineData("Content-Length: 2\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 2\r\n")]
    [InlineData("Content-Length: 1000\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Content-Length: 1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Content-Length: nonsense\r\nTransfer-Encoding: gzip, chunked\r\n")]
    public void With_chunked_any_content_length_is_ignored_and_the_body_ends_at_the_last_chunk(string headers)
    {
        var data = Ascii($"HTTP/1.1 200 OK\r\n{headers}\r\n6\r\nchunky\r\n0\r\n\r\nAFTER THE END");

        var (r, consumed) = ResponseCollector.Parse(data, finish: false);

        Assert.Equal("chunky"u8.ToArray(), r.Body);
        Assert.Equal(data.Length - "AFTER THE END".Length, consumed);
        Assert.Equal(1, r.Completions);
    }

    [Theory]
    [InlineData("Content-Length: 5\r\nContent-Length: 6\r\n")]
    [InlineData("Content-Length: 5\r\ncontent-length: 5\r\n")]
    [InlineData("Content-Length: 5, 6\r\n")]
    public void Without_chunked_a_repeated_or_listed_content_length_is_refused(string headers)
    {
        var e = Assert.Throws<HttpParseException>(() => ResponseCollector.Parse(Ascii($"HTTP/1.1 200 OK\r\n{headers}\r\nhello!")));

        Assert.Equal(HttpParseError.MalformedHead, e.Error);
    }

    [Fact]
    public void A_head_full_of_folded_lines_is_parsed_with_work_linear_in_its_size()
    {
        // Folding rebuilt the whole value per line: 64 KiB of " x" lines allocated about 1 GB
        // (and 32 such interim heads took seconds of CPU); built once, it is a few MB.
        var head = new StringBuilder("HTTP/1.1 200 OK\nContent-Length: 0\nX-Folded: x\n");
        while (head.Length < HttpResponseParser.DefaultMaxHeadBytes - 8)
            head.Append(" x\n");
        var data = Ascii(head.Append('\n').ToString());

        var before = GC.GetAllocatedBytesForCurrentThread();
        var (r, _) = ResponseCollector.Parse(data);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.StartsWith("x x x", r.Heads[0].Get("X-Folded"), StringComparison.Ordinal);
        Assert.InRange(allocated, 0, 16L * 1024 * 1024);
    }

    [Fact]
    public void Folded_values_still_join_each_continuation_with_one_space()
    {
        var (r, _) = ResponseCollector.Parse(Ascii("HTTP/1.1 200 OK\r\nX-A: one\r\n two \r\nX-B:\r\n\tb\r\nContent-Length: 0\r\n\r\n"));

        Assert.Equal("one two", r.Heads[0].Get("X-A"));
        Assert.Equal("b", r.Heads[0].Get("X-B"));
        Assert.Equal("0", r.Heads[0].Get("Content-Length"));
    }
}
