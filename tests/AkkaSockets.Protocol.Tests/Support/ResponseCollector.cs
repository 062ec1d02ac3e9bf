using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Protocol.Tests.Support;

/// <summary>Records what the parser reports, and feeds it a response in given pieces.</summary>
internal sealed class ResponseCollector : IHttpResponseHandler
{
    private readonly List<byte> _body = [];

    public List<HttpResponseHead> Heads { get; } = [];

    public byte[] Body => [.. _body];

    public int Completions { get; private set; }

    public void OnHead(HttpResponseHead head) => Heads.Add(head);

    public void OnBody(ReadOnlySpan<byte> bytes) => _body.AddRange(bytes);

    public void OnComplete() => Completions++;

    /// <summary>Feeds <paramref name="data"/> cut at the given offsets, then ends the stream; returns bytes consumed.</summary>
    public static (ResponseCollector Result, int Consumed) Parse(byte[] data, IEnumerable<int>? cuts = null, bool finish = true, bool headRequest = false, int maxHead = HttpResponseParser.DefaultMaxHeadBytes)
    {
        var parser = new HttpResponseParser(headRequest, maxHead);
        var collector = new ResponseCollector();
        var consumed = 0;
        var points = (cuts ?? []).Select(c => Math.Abs(c % (data.Length + 1))).Append(data.Length).Order().Distinct().ToList();
        var start = 0;
        foreach (var end in points)
        {
            if (end <= start)
                continue;
            consumed += parser.Feed(data.AsSpan(start, end - start), collector);
            start = end;
        }

        if (finish)
            parser.Finish(collector);
        return (collector, consumed);
    }
}
