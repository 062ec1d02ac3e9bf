using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Actors.Http;
using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Actors.Tests.Http;

/// <summary>https:// against a local TLS server whose CA the test made a moment ago: no internet.</summary>
public sealed class HttpsFetchSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fetch-tls-spec-");
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public HttpsFetchSpecs()
        : base(HoconDefaults.Embedded("fetch", "common"))
    {
    }

    private string Target => Path.Combine(_dir.FullName, "page.bin");

    private TlsTrust TrustTheTestCa => new([_certificates.Authority], Insecure: false);

    private object Fetch(string url, TlsTrust? trust = null, string overrides = "")
    {
        var settings = FetchSettings.FromConfig(ConfigurationFactory.ParseString(overrides).WithFallback(HoconDefaults.Embedded("fetch")));
        var fetch = Sys.ActorOf(HttpFetchActor.Props(settings));
        fetch.Tell(new FetchPage(HttpUrl.Parse(url), Target, FailOnHttpError: false) { Trust = trust ?? TrustTheTestCa }, TestActor);
        return FishForMessage(m => m is PageSaved or FetchFailed, Bound);
    }

    private static byte[] BinaryBody(int length)
    {
        var body = new byte[length];
        new Random(length).NextBytes(body);
        "\r\n\r\n"u8.CopyTo(body.AsSpan(length / 2));
        return body;
    }

    private static RawHttpServer ContentLength(byte[] body) =>
        RawHttpServer.Replying([.. RawHttpServer.Ascii($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n"), .. body]);

    private async Task<FetchFailed> AssertRefused(X509Certificate2 certificate, FetchFailure failure, TlsTrust? trust = null, string host = "127.0.0.1")
    {
        await using var server = ContentLength("secret"u8.ToArray());
        await using var tls = new TlsFront(certificate, server.Port);

        var failed = Assert.IsType<FetchFailed>(Fetch(tls.Url("/", host), trust));

        Assert.Equal(failure, failed.Failure);
        Assert.Empty(_dir.GetFiles());
        // A TLS 1.3 server may count the handshake done before the client's verdict: no request, though.
        Assert.DoesNotContain(server.Requests, r => r.StartsWith("GET", StringComparison.Ordinal));
        return failed;
    }

    [Fact]
    public async Task A_content_length_body_over_TLS_is_saved_byte_for_byte_when_the_CA_is_given()
    {
        var body = BinaryBody(500_000);
        await using var server = ContentLength(body);
        await using var tls = new TlsFront(_certificates.Leaf, server.Port);

        var saved = Assert.IsType<PageSaved>(Fetch(tls.Url("/page.bin")));

        Assert.Equal(body.Length, saved.Bytes);
        Assert.Equal(body, await File.ReadAllBytesAsync(Target));
        Assert.Single(_dir.GetFiles());
        server.Requests.TryDequeue(out var request);
        Assert.Contains($"\r\nHost: 127.0.0.1:{tls.Port}\r\n", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunked_body_over_TLS_is_decoded_and_saved_byte_for_byte()
    {
        var body = BinaryBody(200_000);
        await using var server = RawHttpServer.Start(async (stream, _, token) =>
        {
            await stream.WriteAsync(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), token);
            for (var offset = 0; offset < body.Length; offset += 30_000)
            {
                var size = Math.Min(30_000, body.Length - offset);
                await stream.WriteAsync(RawHttpServer.Ascii(size.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), token);
                await stream.WriteAsync(body.AsMemory(offset, size), token);
                await stream.WriteAsync("\r\n"u8.ToArray(), token);
            }

            await stream.WriteAsync("0\r\nX-Trailer: t\r\n\r\n"u8.ToArray(), token);
        });
        await using var tls = new TlsFront(_certificates.Leaf, server.Port);

        Assert.IsType<PageSaved>(Fetch(tls.Url("/")));

        Assert.Equal(body, await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task The_host_name_localhost_is_checked_against_the_certificate_and_accepted()
    {
        await using var server = ContentLength("named"u8.ToArray());
        await using var tls = new TlsFront(_certificates.Leaf, server.Port);

        Assert.IsType<PageSaved>(Fetch(tls.Url("/", host: "localhost")));

        Assert.Equal("named", await File.ReadAllTextAsync(Target));
    }

    [Fact]
    public async Task Without_the_CA_the_chain_is_untrusted_and_nothing_is_requested_or_saved()
    {
        var failed = await AssertRefused(_certificates.Leaf, FetchFailure.CertificateUntrusted, TlsTrust.System);

        Assert.StartsWith("Certificate not trusted", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_for_another_name_is_a_name_mismatch()
    {
        var failed = await AssertRefused(_certificates.WrongName, FetchFailure.CertificateNameMismatch);

        Assert.Contains("does not name 127.0.0.1", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_leaf_is_refused_as_expired()
    {
        var failed = await AssertRefused(_certificates.Expired, FetchFailure.CertificateExpired);

        Assert.StartsWith("Certificate expired", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Insecure_accepts_an_untrusted_certificate()
    {
        await using var server = ContentLength("anyway"u8.ToArray());
        await using var tls = new TlsFront(_certificates.WrongName, server.Port);

        Assert.IsType<PageSaved>(Fetch(tls.Url("/"), TlsTrust.System with { Insecure = true }));

        Assert.Equal("anyway", await File.ReadAllTextAsync(Target));
    }

    [Fact]
    public async Task A_server_that_is_not_TLS_is_a_failed_handshake()
    {
        // A plain HTTP answer where the ServerHello should be.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var answer = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await client.GetStream().WriteAsync(RawHttpServer.Ascii("HTTP/1.1 400 Bad Request\r\n\r\n"));
            await RawHttpServer.WaitForClientClose(client.GetStream(), CancellationToken.None);
        });

        var failed = Assert.IsType<FetchFailed>(Fetch($"https://127.0.0.1:{port}/"));

        Assert.Equal(FetchFailure.TlsHandshakeFailed, failed.Failure);
        Assert.StartsWith($"TLS handshake with 127.0.0.1:{port} failed", failed.Reason, StringComparison.Ordinal);
        await answer.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_TLS_server_that_stalls_mid_handshake_hits_the_timeout()
    {
        // It reads the ClientHello as if it were a request head that never ends, and never answers.
        await using var silent = RawHttpServer.Replying([], keepOpen: true);

        var failed = Assert.IsType<FetchFailed>(Fetch($"https://127.0.0.1:{silent.Port}/", overrides: "akkasockets.fetch.idle-timeout = 300ms"));

        Assert.Equal(FetchFailure.IdleTimeout, failed.Failure);
        Assert.Equal($"TLS handshake with 127.0.0.1:{silent.Port} timed out after 300ms", failed.Reason);
        Assert.Empty(_dir.GetFiles());
    }

    [Fact]
    public async Task A_redirect_from_http_to_https_is_followed()
    {
        await using var final = ContentLength("secure"u8.ToArray());
        await using var tls = new TlsFront(_certificates.Leaf, final.Port);
        await using var plain = RawHttpServer.Replying(RawHttpServer.Ascii($"HTTP/1.1 301 Moved Permanently\r\nLocation: {tls.Url("/secure")}\r\nContent-Length: 0\r\n\r\n"));

        Assert.IsType<PageSaved>(Fetch(plain.Url("/")));

        Assert.Equal("secure", await File.ReadAllTextAsync(Target));
        final.Requests.TryDequeue(out var request);
        Assert.StartsWith("GET /secure HTTP/1.1", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_from_https_to_http_is_followed()
    {
        await using var plain = ContentLength("plain again"u8.ToArray());
        await using var redirecting = RawHttpServer.Replying(RawHttpServer.Ascii($"HTTP/1.1 302 Found\r\nLocation: {plain.Url("/plain")}\r\nContent-Length: 0\r\n\r\n"));
        await using var tls = new TlsFront(_certificates.Leaf, redirecting.Port);

        var fetch = Sys.ActorOf(HttpFetchActor.Props(FetchSettings.Default));
        fetch.Tell(new FetchPage(HttpUrl.Parse(tls.Url("/")), Target, FailOnHttpError: false) { Trust = TrustTheTestCa }, TestActor);

        Assert.Equal(302, ExpectMsg<ResponseHeadReceived>(Bound).Head.StatusCode);
        Assert.Equal(plain.Url("/plain"), ExpectMsg<ResponseHeadReceived>(Bound).Url.ToString());
        Assert.IsType<PageSaved>(FishForMessage(m => m is PageSaved or FetchFailed, Bound));
        Assert.Equal("plain again", await File.ReadAllTextAsync(Target));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _certificates.Dispose();
            _dir.Delete(recursive: true);
        }
    }
}
