using AkkaSockets.Cli.Commands;
using Xunit.Abstractions;

namespace AkkaSockets.Cli.Tests.Fetch;

/// <summary>Servers that break the framing on purpose: each ends in one clear line, its own exit code, and no file.</summary>
[Trait("Category", "Hardening")]
public class FetchMaliciousServerSpecs : IDisposable
{
    private const string ChunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

    // Long enough never to fire on a loaded machine, short enough that a client that failed to
    // cap a section ends with a wrong exit code well inside the test's bound.
    private static readonly string[] Patience = ["--timeout", "10s"];

    private readonly FetchAgainst _fetch;

    public FetchMaliciousServerSpecs(ITestOutputHelper output)
        : this(output, overTls: false)
    {
    }

    protected FetchMaliciousServerSpecs(ITestOutputHelper output, bool overTls) => _fetch = new FetchAgainst(output, "malicious", overTls);

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nX-Endless: ", "a")]
    [InlineData("HTTP/1.1 200 OK\r\n", "X-Again: and again\r\n")]
    public async Task A_head_that_never_ends_is_refused_as_oversized(string start, string filler)
    {
        await using var server = FetchAgainst.Endless(start, filler);

        var line = await _fetch.AssertFailsCleanly(server, ExitCodes.FetchHeadTooLarge, Patience);

        Assert.EndsWith("the response head is larger than 65536 bytes", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3\r\nabc\r\n", "0")]
    [InlineData("3\r\nabc\r\n5;name=", "v")]
    public async Task A_chunk_size_line_that_never_ends_is_refused_as_a_malformed_body(string start, string filler)
    {
        await using var server = FetchAgainst.Endless(ChunkedHead + start, filler);

        var line = await _fetch.AssertFailsCleanly(server, ExitCodes.FetchMalformedBody, Patience);

        Assert.EndsWith("malformed body: a chunk-size line longer than 4096 bytes", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trailer_section_that_never_ends_is_refused_as_a_malformed_body()
    {
        await using var server = FetchAgainst.Endless(ChunkedHead + "3\r\nabc\r\n0\r\n", "X-Trailer: more\r\n");

        var line = await _fetch.AssertFailsCleanly(server, ExitCodes.FetchMalformedBody, Patience);

        Assert.EndsWith("malformed body: a trailer section larger than 65536 bytes", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunk_size_that_overflows_is_refused_as_a_malformed_body()
    {
        await using var server = FetchAgainst.StallingAfter(ChunkedHead + "3\r\nabc\r\nFFFFFFFFFFFFFFFFF\r\n");

        var line = await _fetch.AssertFailsCleanly(server, ExitCodes.FetchMalformedBody, Patience);

        Assert.EndsWith("malformed body: a chunk size too large to represent", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Content-Length: 2\r\nTransfer-Encoding: chunked")]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 100000")]
    public async Task With_content_length_and_chunked_together_chunked_wins_and_the_body_is_exact(string headers)
    {
        // The socket stays open and bytes follow the last chunk: only the chunked framing can end
        // this body, exactly, before the timeout; a shorter or longer Content-Length would not.
        await using var server = FetchAgainst.StallingAfter($"HTTP/1.1 200 OK\r\n{headers}\r\n\r\n6\r\nchunky\r\n0\r\n\r\nNOT PART OF THE BODY");

        var run = await _fetch.RunAsync(server, Patience);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("chunky", await File.ReadAllTextAsync(Path.Combine(_fetch.Directory.FullName, FetchAgainst.Target)));
        Assert.Single(_fetch.Directory.GetFileSystemInfos());
    }

    [Fact]
    public async Task Two_conflicting_content_lengths_are_refused_as_a_malformed_head()
    {
        await using var server = FetchAgainst.StallingAfter("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 500\r\n\r\nhello");

        var line = await _fetch.AssertFailsCleanly(server, ExitCodes.FetchMalformedHead, Patience);

        Assert.Contains("more than one Content-Length", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_closes_mid_chunk_leaves_a_truncated_body_and_no_file()
    {
        await using var server = FetchAgainst.ClosingAfter(ChunkedHead + "3\r\nabc\r\n400\r\nhalf of a chunk");

        var line = await _fetch.AssertFailsCleanly(server, ExitCodes.FetchTruncatedBody, Patience);

        Assert.Contains("truncated", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_resets_mid_chunk_is_a_lost_connection_and_leaves_no_file()
    {
        await using var server = FetchAgainst.ClosingAfter(ChunkedHead + "3\r\nabc\r\n400\r\nhalf of a chunk", reset: true);

        await _fetch.AssertFailsCleanly(server, ExitCodes.FetchConnectionLost, Patience);
    }

    [Fact]
    public async Task A_failed_fetch_leaves_an_existing_file_of_the_same_name_untouched()
    {
        var existing = Path.Combine(_fetch.Directory.FullName, FetchAgainst.Target);
        await File.WriteAllTextAsync(existing, "the old page");
        await using var server = FetchAgainst.ClosingAfter("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nthe new page, cut short");

        var run = await _fetch.RunAsync(server, Patience);

        Assert.Equal(ExitCodes.FetchTruncatedBody, run.ExitCode);
        Assert.Equal("the old page", await File.ReadAllTextAsync(existing));
        Assert.Single(_fetch.Directory.GetFileSystemInfos());
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
            _fetch.Dispose();
    }
}
