using System.Text;
using AkkaSockets.Protocol.Http;
using FsCheck.Xunit;

namespace AkkaSockets.Protocol.Tests.Http;

/// <summary>
/// What a hostile or broken server can do to the parser with bytes alone. Each case draws its
/// shape from a seed FsCheck supplies, so a failure reports the seed that reproduces it.
/// </summary>
[Trait("Category", "Hardening")]
public sealed class HttpParserProperties
{
    // Noise is placed after each of these, so it reaches the head, the chunk and the length states.
    private static readonly string[] NoisePrefixes =
    [
        string.Empty,
        "HTTP/1.1 200 OK\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
    ];

    [Property(MaxTest = 400)]
    public void Random_bytes_in_random_splits_raise_nothing_but_the_parsers_own_error(byte[] noise, int prefix, int seed)
    {
        var random = new Random(seed);
        byte[] data = [.. Encoding.ASCII.GetBytes(NoisePrefixes[Math.Abs(prefix % NoisePrefixes.Length)]), .. noise];

        // A small head limit lets random bytes reach the cap as well.
        HttpParserCheckedRun.Run(data, HttpParserSamples.Cuts(random, data.Length), maxHead: 64 + random.Next(256));
    }

    [Property(MaxTest = 1000)]
    public void Mutated_responses_in_random_splits_raise_nothing_but_the_parsers_own_error(byte[] body, int seed)
    {
        var random = new Random(seed);
        var data = HttpParserSamples.Mutate(random, HttpParserSamples.Build(random, body));

        HttpParserCheckedRun.Run(data, HttpParserSamples.Cuts(random, data.Length), finish: random.Next(2) == 0);
    }

    [Property(MaxTest = 500)]
    public void Bytes_after_the_declared_end_of_a_body_are_never_handed_out(byte[] body, byte[] extra, int seed)
    {
        var random = new Random(seed);
        var sample = HttpParserSamples.Build(random, body, allowCloseDelimited: false);
        // What follows the end may look like more body, more chunks or another response.
        byte[] after = random.Next(3) switch
        {
            0 => "5\r\nextra\r\n0\r\n\r\n"u8.ToArray(),
            1 => "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nbad"u8.ToArray(),
            _ => [],
        };
        byte[] data = [.. sample.Bytes, .. after, .. extra];

        var outcome = HttpParserCheckedRun.Run(data, HttpParserSamples.Cuts(random, data.Length), finish: random.Next(2) == 0);

        Assert.Null(outcome.Error);
        Assert.Equal(sample.Body, outcome.Result.Body);
        Assert.Equal(sample.Bytes.Length, outcome.Consumed);
        Assert.Equal(1, outcome.Result.Completions);
        Assert.Equal(sample.Framing, outcome.Parser.Framing);
    }

    [Property(MaxTest = 500)]
    public void A_response_cut_short_anywhere_hands_out_a_prefix_of_its_body_then_its_own_error(byte[] body, int seed)
    {
        var random = new Random(seed);
        var sample = HttpParserSamples.Build(random, body, allowCloseDelimited: false);
        var data = sample.Bytes[..random.Next(sample.Bytes.Length)];

        var outcome = HttpParserCheckedRun.Run(data, HttpParserSamples.Cuts(random, data.Length));

        var error = Assert.IsType<HttpParseException>(outcome.Error);
        var expected = outcome.Result.Heads.Count == 0 ? HttpParseError.MalformedHead : HttpParseError.TruncatedBody;
        Assert.Equal(expected, error.Error);
        var received = outcome.Result.Body;
        Assert.Equal(sample.Body.AsSpan(0, received.Length).ToArray(), received);
    }
}
