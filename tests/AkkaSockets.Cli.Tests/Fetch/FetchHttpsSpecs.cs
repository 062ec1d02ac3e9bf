using AkkaSockets.Cli.Commands;

namespace AkkaSockets.Cli.Tests.Fetch;

/// <summary>The real executable against a local https:// server whose CA the test made at run time.</summary>
public sealed class FetchHttpsSpecs : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fetch-cli-tls-");
    private readonly DirectoryInfo _caDir = Directory.CreateTempSubdirectory("fetch-cli-tls-ca-");
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly string _caPem;

    public FetchHttpsSpecs() => _caPem = _certificates.WriteAuthorityPem(_caDir.FullName);

    private static RawHttpServer Serving(byte[] body) =>
        RawHttpServer.Replying([.. RawHttpServer.Ascii($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n"), .. body]);

    private static byte[] BinaryBody(int length)
    {
        var body = new byte[length];
        new Random(length).NextBytes(body);
        return body;
    }

    private async Task AssertRefused(TlsFront front, int exitCode, string startsWith, params string[] extra)
    {
        var run = await CliProcess.RunInAsync(_dir.FullName, ["fetch", front.Url("/page.bin"), .. extra]);

        Assert.Equal(exitCode, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith($"akkasockets fetch: {startsWith}", line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Empty(_dir.GetFileSystemInfos());
    }

    [Fact]
    public async Task With_cacert_the_body_is_saved_byte_for_byte()
    {
        var body = BinaryBody(400_000);
        await using var server = Serving(body);
        await using var front = new TlsFront(_certificates.Leaf, server.Port);

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", front.Url("/page.bin"), "--cacert", _caPem);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"HTTP/1.1 200 OK\nContent-Length: {body.Length}\n", run.Stdout);
        Assert.Equal(body, await File.ReadAllBytesAsync(Path.Combine(_dir.FullName, "page.bin")));
        Assert.Single(_dir.GetFileSystemInfos());
    }

    [Fact]
    public async Task Without_cacert_the_private_CA_is_untrusted_and_nothing_is_saved()
    {
        await using var server = Serving("private"u8.ToArray());
        await using var front = new TlsFront(_certificates.Leaf, server.Port);

        await AssertRefused(front, ExitCodes.FetchCertificateUntrusted, "Certificate not trusted");
    }

    [Fact]
    public async Task A_certificate_for_another_host_is_a_name_mismatch()
    {
        await using var server = Serving("elsewhere"u8.ToArray());
        await using var front = new TlsFront(_certificates.WrongName, server.Port);

        await AssertRefused(front, ExitCodes.FetchCertificateNameMismatch, "Certificate name mismatch", "--cacert", _caPem);
    }

    [Fact]
    public async Task An_expired_certificate_is_refused_with_its_own_code()
    {
        await using var server = Serving("stale"u8.ToArray());
        await using var front = new TlsFront(_certificates.Expired, server.Port);

        await AssertRefused(front, ExitCodes.FetchCertificateExpired, "Certificate expired", "--cacert", _caPem);
    }

    [Fact]
    public async Task Insecure_saves_anyway_and_says_so_on_stderr()
    {
        await using var server = Serving("unchecked"u8.ToArray());
        await using var front = new TlsFront(_certificates.WrongName, server.Port);

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", front.Url("/page.bin"), "-k");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("akkasockets fetch: warning: --insecure: the server's certificate is not checked", Assert.Single(run.StderrLines));
        Assert.Equal("unchecked", await File.ReadAllTextAsync(Path.Combine(_dir.FullName, "page.bin")));
    }

    [Fact]
    public async Task A_TLS_server_that_stalls_mid_handshake_exits_with_the_timeout_code()
    {
        // It takes the ClientHello for the start of a request head that never ends.
        await using var silent = RawHttpServer.Replying([], keepOpen: true);

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", $"https://127.0.0.1:{silent.Port}/", "--timeout", "500ms");

        Assert.Equal(ExitCodes.FetchTimeout, run.ExitCode);
        Assert.Equal($"akkasockets fetch: TLS handshake with 127.0.0.1:{silent.Port} timed out after 500ms", Assert.Single(run.StderrLines));
        Assert.Empty(_dir.GetFileSystemInfos());
    }

    [Fact]
    public async Task A_bad_cacert_file_is_bad_usage()
    {
        var notPem = Path.Combine(_caDir.FullName, "not.pem");
        await File.WriteAllTextAsync(notPem, "no certificate here");

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", "https://127.0.0.1:1/", "--cacert", notPem);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("akkasockets fetch: cannot read --cacert", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirects_are_followed_from_http_to_https_and_back()
    {
        await using var final = Serving("round trip"u8.ToArray());
        await using var backToPlain = RawHttpServer.Replying(RawHttpServer.Ascii($"HTTP/1.1 302 Found\r\nLocation: {final.Url("/done.txt")}\r\nContent-Length: 0\r\n\r\n"));
        await using var front = new TlsFront(_certificates.Leaf, backToPlain.Port);
        await using var start = RawHttpServer.Replying(RawHttpServer.Ascii($"HTTP/1.1 301 Moved Permanently\r\nLocation: {front.Url("/secure")}\r\nContent-Length: 0\r\n\r\n"));

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", start.Url("/"), "--cacert", _caPem, "-o", "out.txt");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["HTTP/1.1 301 Moved Permanently", "HTTP/1.1 302 Found", "HTTP/1.1 200 OK"], run.Stdout.Split('\n').Where(l => l.StartsWith("HTTP/", StringComparison.Ordinal)));
        Assert.Equal("round trip", await File.ReadAllTextAsync(Path.Combine(_dir.FullName, "out.txt")));
    }

    public void Dispose()
    {
        _certificates.Dispose();
        _dir.Delete(recursive: true);
        _caDir.Delete(recursive: true);
    }
}
