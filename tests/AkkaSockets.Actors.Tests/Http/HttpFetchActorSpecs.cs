using System.Globalization;
using System.Net;
using Akka.Configuration;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Actors.Http;
using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Actors.Tests.Http;

public sealed class HttpFetchActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fetch-spec-");

    public HttpFetchActorSpecs()
        : base(HoconDefaults.Embedded("fetch", "common"))
    {
    }

    private string Target => Path.Combine(_dir.FullName, "page.bin");

    private static FetchSettings Settings(string overrides = "") =>
        FetchSettings.FromConfig(ConfigurationFactory.ParseString(overrides).WithFallback(HoconDefaults.Embedded("fetch")));

    private object Fetch(string url, bool fail = false, string overrides = "")
    {
        var fetch = Sys.ActorOf(HttpFetchActor.Props(Settings(overrides)));
        fetch.Tell(new FetchPage(HttpUrl.Parse(url), Target, fail), TestActor);
        return FishForMessage(m => m is PageSaved or FetchFailed, Bound);
    }

    private void AssertNoFilesLeft()
    {
        Assert.Empty(_dir.GetFiles());
    }

    private static byte[] BinaryBody(int length)
    {
        var body = new byte[length];
        new Random(length).NextBytes(body);
        // A blank line inside the body must not be taken for the end of anything.
        "\r\n\r\n"u8.CopyTo(body.AsSpan(length / 2));
        return body;
    }

    [Fact]
    public async Task A_close_delimited_binary_body_is_saved_byte_for_byte()
    {
        var body = BinaryBody(200_000);
        await using var server = RawHttpServer.Replying([.. RawHttpServer.Ascii("HTTP/1.0 200 OK\r\nServer: raw\r\n\r\n"), .. body]);

        var saved = Assert.IsType<PageSaved>(Fetch(server.Url("/page.bin")));

        Assert.Equal(body.Length, saved.Bytes);
        Assert.Equal(body, await File.ReadAllBytesAsync(Target));
        Assert.Single(_dir.GetFiles());
    }

    [Fact]
    public async Task A_chunked_binary_body_from_Kestrel_is_saved_byte_for_byte()
    {
        var body = BinaryBody(300_000);
        await using var kestrel = await KestrelServer.StartAsync(body);

        var fetch = Sys.ActorOf(HttpFetchActor.Props(Settings()));
        fetch.Tell(new FetchPage(HttpUrl.Parse(kestrel.BaseUrl + "/files/data.bin"), Target, false), TestActor);

        var head = ExpectMsg<ResponseHeadReceived>(Bound).Head;
        Assert.Equal("HTTP/1.1 200 OK", head.Lines[0]);
        Assert.Equal("chunked", head.Get("Transfer-Encoding"));
        Assert.IsType<PageSaved>(FishForMessage(m => m is PageSaved or FetchFailed, Bound));
        Assert.Equal(body, await File.ReadAllBytesAsync(Target));
        Assert.Single(_dir.GetFiles());
    }

    [Fact]
    public async Task Kestrels_answer_to_the_tutorials_request_is_decoded_not_saved_with_chunk_sizes()
    {
        await using var kestrel = await KestrelServer.StartAsync([]);

        Assert.IsType<PageSaved>(Fetch(kestrel.BaseUrl + "/"));

        Assert.Equal("<html><body>Hello from Kestrel</body></html>", await File.ReadAllTextAsync(Target));
    }

    [Fact]
    public async Task The_request_is_a_GET_with_host_user_agent_accept_and_connection_close()
    {
        await using var server = RawHttpServer.Replying(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));

        Assert.IsType<PageSaved>(Fetch(server.Url("/x?y=1")));

        server.Requests.TryDequeue(out var request);
        Assert.Equal(
            $"GET /x?y=1 HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nUser-Agent: {HttpFetchActor.UserAgent}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
            request);
    }

    [Fact]
    public async Task A_content_length_body_completes_while_the_server_keeps_the_socket_open()
    {
        var body = BinaryBody(50_000);
        byte[] response = [.. RawHttpServer.Ascii($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n"), .. body, .. "NOT PART OF IT"u8];
        await using var server = RawHttpServer.Replying(response, keepOpen: true);

        var saved = Assert.IsType<PageSaved>(Fetch(server.Url("/")));

        Assert.Equal(body.Length, saved.Bytes);
        Assert.Equal(body, await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task A_chunked_body_sent_in_small_pieces_is_decoded()
    {
        var body = BinaryBody(30_000);
        await using var server = RawHttpServer.Start(async (stream, _, token) =>
        {
            await stream.WriteAsync(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), token);
            for (var offset = 0; offset < body.Length; offset += 7_000)
            {
                var size = Math.Min(7_000, body.Length - offset);
                await stream.WriteAsync(RawHttpServer.Ascii(size.ToString("x", CultureInfo.InvariantCulture) + ";n=1\r\n"), token);
                await stream.WriteAsync(body.AsMemory(offset, size), token);
                await stream.WriteAsync("\r\n"u8.ToArray(), token);
                await stream.FlushAsync(token);
            }

            await stream.WriteAsync("0\r\nX-Trailer: t\r\n\r\n"u8.ToArray(), token);
            await RawHttpServer.WaitForClientClose(stream, token);
        });

        Assert.IsType<PageSaved>(Fetch(server.Url("/")));
        Assert.Equal(body, await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task Relative_and_absolute_redirects_are_followed_and_each_head_reported()
    {
        await using var final = RawHttpServer.Replying(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone"));
        await using var server = RawHttpServer.Start(async (stream, request, token) =>
        {
            var reply = request.StartsWith("GET /start ", StringComparison.Ordinal)
                ? "HTTP/1.1 302 Found\r\nLocation: /moved\r\nContent-Length: 3\r\n\r\nabc"
                : $"HTTP/1.1 301 Moved Permanently\r\nLocation: {final.Url("/end")}\r\n\r\n";
            await stream.WriteAsync(RawHttpServer.Ascii(reply), token);
        });

        var fetch = Sys.ActorOf(HttpFetchActor.Props(Settings()));
        fetch.Tell(new FetchPage(HttpUrl.Parse(server.Url("/start")), Target, false), TestActor);

        Assert.Equal(302, ExpectMsg<ResponseHeadReceived>(Bound).Head.StatusCode);
        Assert.Equal(301, ExpectMsg<ResponseHeadReceived>(Bound).Head.StatusCode);
        var last = ExpectMsg<ResponseHeadReceived>(Bound);
        Assert.Equal(200, last.Head.StatusCode);
        Assert.Equal(final.Url("/end"), last.Url.ToString());
        Assert.IsType<PageSaved>(FishForMessage(m => m is PageSaved or FetchFailed, Bound));
        Assert.Equal("done", await File.ReadAllTextAsync(Target));
        server.Requests.TryDequeue(out _);
        server.Requests.TryDequeue(out var second);
        Assert.StartsWith("GET /moved HTTP/1.1", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_is_followed_even_when_its_own_body_is_broken()
    {
        await using var final = RawHttpServer.Replying(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        await using var server = RawHttpServer.Replying(RawHttpServer.Ascii($"HTTP/1.1 302 Found\r\nLocation: {final.Url("/")}\r\nTransfer-Encoding: chunked\r\n\r\nnot a chunk\r\n"));

        Assert.IsType<PageSaved>(Fetch(server.Url("/")));
        Assert.Equal("ok", await File.ReadAllTextAsync(Target));
    }

    [Fact]
    public async Task A_redirect_loop_ends_as_too_many_redirects_with_no_file()
    {
        await using var server = RawHttpServer.Replying(RawHttpServer.Ascii("HTTP/1.1 307 Temporary Redirect\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n"));

        var failed = Assert.IsType<FetchFailed>(Fetch(server.Url("/"), overrides: "akkasockets.fetch.max-redirects = 3"));

        Assert.Equal(FetchFailure.TooManyRedirects, failed.Failure);
        Assert.Equal(4, server.Requests.Count);
        AssertNoFilesLeft();
    }

    [Fact]
    public async Task A_truncated_body_fails_and_leaves_no_file_or_temporary_file()
    {
        byte[] response = [.. RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"), .. BinaryBody(60_000)];
        await using var server = RawHttpServer.Replying(response);

        var failed = Assert.IsType<FetchFailed>(Fetch(server.Url("/")));

        Assert.Equal(FetchFailure.TruncatedBody, failed.Failure);
        AssertNoFilesLeft();
    }

    [Fact]
    public async Task A_failed_fetch_leaves_an_existing_file_under_the_final_name_untouched()
    {
        await File.WriteAllTextAsync(Target, "previous");
        await using var server = RawHttpServer.Replying(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));

        Assert.Equal(FetchFailure.TruncatedBody, Assert.IsType<FetchFailed>(Fetch(server.Url("/"))).Failure);

        Assert.Equal("previous", await File.ReadAllTextAsync(Target));
        Assert.Single(_dir.GetFiles());
    }

    [Fact]
    public async Task A_bad_chunk_size_is_a_malformed_body()
    {
        await using var server = RawHttpServer.Replying(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\nxyz\r\n"), keepOpen: true);

        Assert.Equal(FetchFailure.MalformedBody, Assert.IsType<FetchFailed>(Fetch(server.Url("/"))).Failure);
        AssertNoFilesLeft();
    }

    [Fact]
    public async Task An_oversized_head_is_refused()
    {
        var head = "HTTP/1.1 200 OK\r\n" + string.Concat(Enumerable.Range(0, 2000).Select(i => $"X-Header-{i}: {new string('v', 40)}\r\n"));
        await using var server = RawHttpServer.Replying(RawHttpServer.Ascii(head), keepOpen: true);

        Assert.Equal(FetchFailure.HeadTooLarge, Assert.IsType<FetchFailed>(Fetch(server.Url("/"))).Failure);
        AssertNoFilesLeft();
    }

    [Fact]
    public async Task A_server_that_stalls_mid_body_hits_the_idle_timeout()
    {
        await using var server = RawHttpServer.Start(async (stream, _, token) =>
        {
            await stream.WriteAsync(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nsome"), token);
            await RawHttpServer.WaitForClientClose(stream, token);
        });

        var failed = Assert.IsType<FetchFailed>(Fetch(server.Url("/"), overrides: "akkasockets.fetch.idle-timeout = 300ms"));

        Assert.Equal(FetchFailure.IdleTimeout, failed.Failure);
        AssertNoFilesLeft();
    }

    [Fact]
    public async Task A_connect_that_gets_no_answer_hits_the_connect_timeout()
    {
        using var listener = await UnansweredListener.StartAsync();

        var failed = Assert.IsType<FetchFailed>(Fetch($"http://127.0.0.1:{listener.Port}/", overrides: "akkasockets.fetch.connect-timeout = 300ms"));

        Assert.Equal(FetchFailure.ConnectTimeout, failed.Failure);
        AssertNoFilesLeft();
    }

    [Fact]
    public async Task An_IPv6_literal_URL_connects_over_IPv6_and_sends_a_bracketed_host()
    {
        Ipv6Loopback.Require();
        await using var server = RawHttpServer.Replying(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nv6"), address: IPAddress.IPv6Loopback);

        Assert.IsType<PageSaved>(Fetch($"http://[::1]:{server.Port}/"));

        Assert.Equal("v6", await File.ReadAllTextAsync(Target));
        server.Requests.TryDequeue(out var request);
        Assert.Contains($"\r\nHost: [::1]:{server.Port}\r\n", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_name_is_resolved_and_each_address_tried()
    {
        // localhost may resolve to ::1 first; the server listens on 127.0.0.1 only.
        await using var server = RawHttpServer.Replying(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nname"));

        Assert.IsType<PageSaved>(Fetch($"http://localhost:{server.Port}/"));

        Assert.Equal("name", await File.ReadAllTextAsync(Target));
    }

    [Fact]
    public void An_unresolvable_host_is_a_DNS_failure_not_a_timeout()
    {
        // .invalid never resolves (RFC 6761); the timeout is far longer than a resolver's answer.
        var failed = Assert.IsType<FetchFailed>(Fetch("http://no-such-host.invalid/", overrides: "akkasockets.fetch.connect-timeout = 60s"));

        Assert.Equal(FetchFailure.DnsFailed, failed.Failure);
        Assert.StartsWith("Cannot resolve host no-such-host.invalid", failed.Reason, StringComparison.Ordinal);
        AssertNoFilesLeft();
    }

    [Fact]
    public void A_refused_connection_is_reported_as_refused()
    {
        using var closed = new ClosedPort();

        var failed = Assert.IsType<FetchFailed>(Fetch($"http://127.0.0.1:{closed.Port}/"));

        Assert.Equal(FetchFailure.ConnectionRefused, failed.Failure);
    }

    [Fact]
    public async Task An_http_error_with_fail_saves_nothing()
    {
        await using var server = RawHttpServer.Replying(RawHttpServer.Ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"));

        Assert.Equal(FetchFailure.HttpError, Assert.IsType<FetchFailed>(Fetch(server.Url("/"), fail: true)).Failure);
        AssertNoFilesLeft();
    }

    [Fact]
    public async Task Cancelling_a_fetch_removes_its_temporary_file()
    {
        await using var server = RawHttpServer.Start(async (stream, _, token) =>
        {
            await stream.WriteAsync(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nsome"), token);
            await RawHttpServer.WaitForClientClose(stream, token);
        });
        var fetch = Sys.ActorOf(HttpFetchActor.Props(Settings()));
        fetch.Tell(new FetchPage(HttpUrl.Parse(server.Url("/")), Target, false), TestActor);
        ExpectMsg<ResponseHeadReceived>(Bound);
        await AwaitConditionAsync(() => Task.FromResult(_dir.GetFiles().Length == 1), Bound);

        fetch.Tell(CancelFetch.Instance, TestActor);

        Assert.Equal(FetchFailure.Cancelled, FishForMessage<FetchFailed>(_ => true, Bound).Failure);
        AssertNoFilesLeft();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _dir.Delete(recursive: true);
    }
}
