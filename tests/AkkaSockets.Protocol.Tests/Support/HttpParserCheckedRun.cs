using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Protocol.Tests.Support;

/// <summary>What one checked run saw: the handler's record, bytes consumed, and the parser's error if any.</summary>
internal sealed record HttpParserOutcome(ResponseCollector Result, int Consumed, HttpParseException? Error, HttpResponseParser Parser);

/// <summary>
/// Feeds a response in pieces and checks, after every call, what must hold for any input: only
/// <see cref="HttpParseException"/> escapes (anything else fails the test), a call consumes no more
/// than it was given and stops short only at the end of the response, at most one head and one
/// completion are reported, and a Content-Length body never grows past its declared length.
/// </summary>
internal static class HttpParserCheckedRun
{
    public static HttpParserOutcome Run(byte[] data, IEnumerable<int> cuts, bool finish = true, int maxHead = HttpResponseParser.DefaultMaxHeadBytes)
    {
        var parser = new HttpResponseParser(maxHeadBytes: maxHead);
        var result = new ResponseCollector();
        var consumed = 0;
        var points = cuts.Where(c => c > 0 && c < data.Length).Append(data.Length).Distinct().Order();
        var start = 0;
        try
        {
            foreach (var end in points)
            {
                var wasComplete = parser.IsComplete;
                var bodyBefore = result.Body.Length;
                var taken = parser.Feed(data.AsSpan(start, end - start), result);

                Assert.InRange(taken, 0, end - start);
                if (taken < end - start)
                    Assert.True(parser.IsComplete, "the parser left bytes unconsumed without completing");
                if (wasComplete)
                {
                    Assert.Equal(0, taken);
                    Assert.Equal(bodyBefore, result.Body.Length);
                }

                CheckReports(parser, result);
                consumed += taken;
                start = end;
            }

            if (finish)
            {
                parser.Finish(result);
                CheckReports(parser, result);
            }

            return new HttpParserOutcome(result, consumed, null, parser);
        }
        catch (HttpParseException e)
        {
            CheckReports(parser, result);
            // A failed parser stays failed, with its own exception only.
            Assert.Throws<HttpParseException>(() => parser.Feed("HTTP/1.1 200 OK\r\n\r\n"u8, result));
            Assert.Throws<HttpParseException>(() => parser.Finish(result));
            return new HttpParserOutcome(result, consumed, e, parser);
        }
    }

    private static void CheckReports(HttpResponseParser parser, ResponseCollector result)
    {
        Assert.InRange(result.Heads.Count, 0, 1);
        Assert.InRange(result.Completions, 0, 1);
        Assert.Equal(parser.IsComplete, result.Completions == 1);
        if (result.Heads.Count == 0)
            Assert.Empty(result.Body);
        if (parser.Framing == BodyFraming.ContentLength)
            Assert.InRange(result.Body.Length, 0, parser.ContentLength!.Value);
        if (parser.Framing == BodyFraming.None)
            Assert.Empty(result.Body);
    }
}
