using System.Text;
using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Protocol.Tests.Http;

public sealed class HttpResponseParserTests
{
    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static HttpParseError ErrorOf(string response, bool finish = true, int maxHead = HttpResponseParser.DefaultMaxHeadBytes)
    {
        var e = Assert.Throws<HttpParseException>(() => ResponseCollector.Parse(Ascii(response), finish: finish, maxHead: maxHead));
        return e.Error;
    }

    [Fact]
    public void A_content_length_response_yields_its_status_headers_and_exact_body()
    {
        var (r, _) = ResponseCollector.Parse(Ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"));
        var head = Assert.Single(r.Heads);
        Assert.Equal(200, head.StatusCode);
        Assert.Equal("OK", head.Reason);
        Assert.Equal("HTTP/1.1", head.Version);
        Assert.Equal("text/plain", head.Get("content-type"));
        Assert.Equal(["HTTP/1.1 200 OK", "Content-Type: text/plain", "Content-Length: 5"], head.Lines);
        Assert.Equal("hello", Encoding.ASCII.GetString(r.Body));
        Assert.Equal(1, r.Completions);
    }

    [Fact]
    public void Bare_LF_line_endings_are_tolerated()
    {
        var (r, _) = ResponseCollector.Parse(Ascii("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi"));
        Assert.Equal("hi", Encoding.ASCII.GetString(r.Body));
    }

    [Fact]
    public void A_missing_reason_phrase_is_tolerated()
    {
        var (r, _) = ResponseCollector.Parse(Ascii("HTTP/1.1 204\r\n\r\n"));
        Assert.Equal(204, r.Heads[0].StatusCode);
        Assert.Equal(string.Empty, r.Heads[0].Reason);
    }

    [Fact]
    public void Parsing_stops_at_content_length_even_when_more_bytes_follow()
    {
        var data = Ascii("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcEXTRA");
        var (r, consumed) = ResponseCollector.Parse(data, finish: false);
        Assert.Equal("abc", Encoding.ASCII.GetString(r.Body));
        Assert.Equal(data.Length - 5, consumed);
        Assert.Equal(1, r.Completions);
    }

    [Fact]
    public void Interim_1xx_responses_are_skipped()
    {
        var (r, _) = ResponseCollector.Parse(Ascii("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"));
        Assert.Equal(200, Assert.Single(r.Heads).StatusCode);
        Assert.Equal("x", Encoding.ASCII.GetString(r.Body));
    }

    [Theory]
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n")]
    [InlineData("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n")]
    public void No_body_statuses_complete_at_the_end_of_the_head(string response)
    {
        var (r, _) = ResponseCollector.Parse(Ascii(response), finish: false);
        Assert.Empty(r.Body);
        Assert.Equal(1, r.Completions);
    }

    [Fact]
    public void The_answer_to_HEAD_has_no_body_whatever_its_content_length()
    {
        var (r, _) = ResponseCollector.Parse(Ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"), finish: false, headRequest: true);
        Assert.Equal(1, r.Completions);
    }

    [Fact]
    public void Chunked_bodies_are_decoded_with_extensions_and_trailers()
    {
        var response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
                       "5;name=value\r\nhello\r\n" +
                       "6 ; quoted=\"a;b\"\r\n world\r\n" +
                       "0\r\nExpires: never\r\nX-Checksum: 1\r\n\r\n";
        var (r, _) = ResponseCollector.Parse(Ascii(response), finish: false);
        Assert.Equal("hello world", Encoding.ASCII.GetString(r.Body));
        Assert.Equal(1, r.Completions);
    }

    [Fact]
    public void Chunked_wins_over_content_length()
    {
        var (r, _) = ResponseCollector.Parse(Ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), finish: false);
        Assert.Equal("abc", Encoding.ASCII.GetString(r.Body));
        Assert.Equal(1, r.Completions);
    }

    [Fact]
    public void A_transfer_coding_other_than_chunked_last_reads_to_close()
    {
        var (r, _) = ResponseCollector.Parse(Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nrawbytes"));
        Assert.Equal("rawbytes", Encoding.ASCII.GetString(r.Body));
    }

    [Fact]
    public void Without_length_or_chunking_the_body_ends_with_the_connection()
    {
        var data = Ascii("HTTP/1.0 200 OK\r\n\r\nuntil close");
        var (open, _) = ResponseCollector.Parse(data, finish: false);
        Assert.Equal(0, open.Completions);
        var (closed, _) = ResponseCollector.Parse(data);
        Assert.Equal("until close", Encoding.ASCII.GetString(closed.Body));
        Assert.Equal(1, closed.Completions);
    }

    [Fact]
    public void A_binary_body_containing_a_blank_line_is_kept_byte_for_byte()
    {
        byte[] body = [0, 13, 10, 13, 10, 255, 13, 10, 13, 10, 0x80];
        var data = Ascii($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n").Concat(body).ToArray();
        Assert.Equal(body, ResponseCollector.Parse(data).Result.Body);
    }

    [Fact]
    public void Obsolete_line_folding_joins_the_value_with_a_space()
    {
        var (r, _) = ResponseCollector.Parse(Ascii("HTTP/1.1 200 OK\r\nX-Long: one\r\n  two\r\nContent-Length: 0\r\n\r\n"));
        Assert.Equal("one two", r.Heads[0].Get("X-Long"));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\nx")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n")]
    public void Duplicate_conflicting_or_invalid_content_lengths_are_malformed(string response)
    {
        Assert.Equal(HttpParseError.MalformedHead, ErrorOf(response));
    }

    [Theory]
    [InlineData("<html>hello</html>")]
    [InlineData("HTTP/2 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 2OO OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX: a\u0001b\r\n\r\n")]
    [InlineData("\r\nHTTP/1.1 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")]
    public void Malformed_heads_are_reported_as_such(string response)
    {
        Assert.Equal(HttpParseError.MalformedHead, ErrorOf(response));
    }

    [Fact]
    public void Something_that_is_not_HTTP_is_refused_without_waiting_for_a_line_end()
    {
        var parser = new HttpResponseParser();
        var e = Assert.Throws<HttpParseException>(() => parser.Feed("SSH-2.0"u8, new ResponseCollector()));
        Assert.Equal(HttpParseError.MalformedHead, e.Error);
    }

    [Fact]
    public void A_head_over_the_limit_is_oversized()
    {
        var big = "HTTP/1.1 200 OK\r\nX-Big: " + new string('a', 70 * 1024) + "\r\n\r\n";
        Assert.Equal(HttpParseError.HeadTooLarge, ErrorOf(big));
    }

    [Fact]
    public void A_head_exactly_at_the_limit_is_accepted()
    {
        const int limit = 1024;
        var start = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Pad: ";
        var head = start + new string('p', limit - start.Length - 4) + "\r\n\r\n";
        Assert.Equal(limit, head.Length);
        var (r, _) = ResponseCollector.Parse(Ascii(head), maxHead: limit);
        Assert.Single(r.Heads);
        Assert.Equal(HttpParseError.HeadTooLarge, ErrorOf(head.Replace("X-Pad: ", "X-Pad: q", StringComparison.Ordinal), maxHead: limit));
    }

    [Theory]
    [InlineData("zz\r\nabc\r\n0\r\n\r\n")]
    [InlineData("\r\nabc\r\n0\r\n\r\n")]
    [InlineData("-3\r\nabc\r\n0\r\n\r\n")]
    [InlineData("3 x\r\nabc\r\n0\r\n\r\n")]
    [InlineData("10000000000000000\r\n")]
    [InlineData("FFFFFFFFFFFFFFFFF\r\n")]
    [InlineData("2\r\nabc\r\n0\r\n\r\n")]
    public void Bad_chunk_sizes_and_overlong_chunks_are_malformed_bodies(string chunks)
    {
        Assert.Equal(HttpParseError.MalformedBody, ErrorOf("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks));
    }

    [Fact]
    public void Leading_zeros_do_not_count_as_overflow()
    {
        var (r, _) = ResponseCollector.Parse(Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000000000003\r\nabc\r\n0\r\n\r\n"));
        Assert.Equal("abc", Encoding.ASCII.GetString(r.Body));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n")]
    public void A_body_cut_short_by_the_connection_is_truncated(string response)
    {
        Assert.Equal(HttpParseError.TruncatedBody, ErrorOf(response));
    }

    [Theory]
    [InlineData("")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-")]
    public void A_connection_closed_before_the_head_ends_is_a_malformed_head(string response)
    {
        Assert.Equal(HttpParseError.MalformedHead, ErrorOf(response));
    }

    [Fact]
    public void A_failed_parser_keeps_failing_with_its_own_exception()
    {
        var parser = new HttpResponseParser();
        var sink = new ResponseCollector();
        Assert.Throws<HttpParseException>(() => parser.Feed("junk\r\n"u8, sink));
        Assert.Throws<HttpParseException>(() => parser.Feed("HTTP/1.1 200 OK\r\n\r\n"u8, sink));
        Assert.Throws<HttpParseException>(() => parser.Finish(sink));
    }
}
