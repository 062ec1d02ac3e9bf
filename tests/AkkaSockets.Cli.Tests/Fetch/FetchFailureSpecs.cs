using AkkaSockets.Cli.Commands;

namespace AkkaSockets.Cli.Tests.Fetch;

public sealed class FetchFailureSpecs : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fetch-cli-fail-");

    /// <summary>Every failure: its exit code, exactly one stderr line, and no file (nor temporary file) left.</summary>
    private async Task<CliResult> AssertFails(int exitCode, params string[] args)
    {
        var run = await CliProcess.RunInAsync(_dir.FullName, ["fetch", .. args]);
        Assert.Equal(exitCode, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("akkasockets", line, StringComparison.Ordinal);
        Assert.Empty(_dir.GetFileSystemInfos());
        return run;
    }

    private static RawHttpServer Replying(string response, bool keepOpen = false) =>
        RawHttpServer.Replying(RawHttpServer.Ascii(response), keepOpen);

    [Fact]
    public async Task A_truncated_body_exits_with_its_code()
    {
        await using var server = Replying("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
        var run = await AssertFails(ExitCodes.FetchTruncatedBody, server.Url("/t"));
        Assert.Contains("truncated", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_chunk_size_exits_with_the_malformed_body_code()
    {
        await using var server = Replying("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nnothex\r\n", keepOpen: true);
        await AssertFails(ExitCodes.FetchMalformedBody, server.Url("/c"));
    }

    [Fact]
    public async Task A_malformed_head_exits_with_its_code()
    {
        await using var server = Replying("HTTP/1.1 200 OK\r\nthis is not a header\r\n\r\n");
        await AssertFails(ExitCodes.FetchMalformedHead, server.Url("/m"));
    }

    [Fact]
    public async Task An_oversized_head_exits_with_its_code()
    {
        await using var server = Replying("HTTP/1.1 200 OK\r\nX-Big: " + new string('b', 70_000) + "\r\n\r\n", keepOpen: true);
        await AssertFails(ExitCodes.FetchHeadTooLarge, server.Url("/o"));
    }

    [Fact]
    public async Task A_redirect_loop_exits_as_too_many_redirects()
    {
        await using var server = Replying("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n");
        var run = await AssertFails(ExitCodes.FetchTooManyRedirects, server.Url("/loop"), "--max-redirects", "2");
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(3, run.Stdout.Split('\n').Count(l => l.StartsWith("HTTP/1.1 302", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_stalled_server_exits_with_the_timeout_code()
    {
        await using var server = RawHttpServer.Start(async (stream, _, token) =>
        {
            await stream.WriteAsync(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), token);
            await RawHttpServer.WaitForClientClose(stream, token);
        });
        await AssertFails(ExitCodes.FetchTimeout, server.Url("/s"), "--timeout", "500ms");
    }

    [Fact]
    public async Task A_connect_that_gets_no_answer_exits_with_the_timeout_code()
    {
        using var listener = await UnansweredListener.StartAsync();
        var run = await AssertFails(ExitCodes.FetchTimeout, $"http://127.0.0.1:{listener.Port}/", "--timeout", "300ms");
        Assert.Contains("Timed out connecting", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_target_file_that_cannot_be_created_exits_31_with_one_line_naming_it()
    {
        await using var server = Replying("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        var run = await AssertFails(ExitCodes.FetchFileError, server.Url("/f"), "-o", Path.Combine("no-such-directory", "page.bin"));

        Assert.Equal(31, run.ExitCode);
        Assert.Contains("no-such-directory", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_to_a_location_that_is_not_an_http_url_exits_32_with_one_line()
    {
        await using var server = Replying("HTTP/1.1 302 Found\r\nLocation: ftp://127.0.0.1/file\r\nContent-Length: 0\r\n\r\n");

        var run = await AssertFails(ExitCodes.FetchBadRedirect, server.Url("/r"));

        Assert.Equal(32, run.ExitCode);
        Assert.StartsWith("HTTP/1.1 302 Found", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_connection_exits_with_its_code()
    {
        using var closed = new ClosedPort();
        await AssertFails(ExitCodes.FetchConnectionRefused, $"http://127.0.0.1:{closed.Port}/");
    }

    [Fact]
    public async Task An_unresolvable_host_exits_with_the_dns_code()
    {
        // .invalid never resolves (RFC 6761); nothing leaves the machine.
        await AssertFails(ExitCodes.FetchDnsFailed, "http://no-such-host.invalid/", "--timeout", "20s");
    }

    [Fact]
    public async Task An_http_error_with_fail_exits_with_its_code_and_saves_nothing()
    {
        await using var server = Replying("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops");
        var run = await AssertFails(ExitCodes.FetchHttpError, server.Url("/e"), "--fail");
        Assert.StartsWith("HTTP/1.1 500", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_mid_body_exits_130_and_removes_the_temporary_file()
    {
        await using var server = RawHttpServer.Start(async (stream, _, token) =>
        {
            await stream.WriteAsync(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\npartial"), token);
            await RawHttpServer.WaitForClientClose(stream, token);
        });

        var run = await CliProcess.RunProgramAsync(CliProcess.Dotnet, [CliProcess.Akkasockets, "fetch", server.Url("/big"), "--timeout", "30s"], _dir.FullName, async process =>
        {
            // The body has started once its temporary file exists.
            while (_dir.GetFiles("*.part").Length == 0)
                await Task.Delay(20);
            process.Interrupt();
        });

        Assert.Equal(ExitCodes.Interrupted, run.ExitCode);
        Assert.Empty(_dir.GetFileSystemInfos());
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("http://127.0.0.1:1/", "--timeout", "soon")]
    [InlineData("http://127.0.0.1:1/", "--max-redirects", "-1")]
    [InlineData("http://127.0.0.1:1/", "--no-such-flag")]
    public async Task Bad_usage_exits_with_the_usage_code(params string[] args)
    {
        await AssertFails(ExitCodes.Usage, args);
    }

    [Fact]
    public async Task A_missing_URL_is_bad_usage()
    {
        await AssertFails(ExitCodes.Usage);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
