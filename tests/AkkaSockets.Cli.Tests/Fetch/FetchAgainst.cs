using System.Net.Sockets;
using Xunit.Abstractions;

namespace AkkaSockets.Cli.Tests.Fetch;

/// <summary>Runs the real <c>akkasockets fetch -o</c> against a hostile server, in a fresh directory.</summary>
internal sealed class FetchAgainst : IDisposable
{
    public const string Target = "page.bin";

    // Far past every cap (64 KiB head, 4 KiB chunk line, 64 KiB trailers), yet bounded: a client
    // that never refuses shows up as a wrong exit code once its timeout fires, never as a hang.
    private const long EndlessBound = 8L * 1024 * 1024;

    private readonly ITestOutputHelper _output;

    // Over TLS: one CA for the whole run, its PEM outside the fetch's directory (which must stay empty).
    private static readonly Lazy<(TestCertificates Certificates, string Pem)> Tls = new(() =>
    {
        var certificates = TestCertificates.Create();
        return (certificates, certificates.WriteAuthorityPem(System.IO.Directory.CreateTempSubdirectory("fetch-hardening-ca-").FullName));
    });

    private readonly bool _overTls;

    public FetchAgainst(ITestOutputHelper output, string name, bool overTls = false)
    {
        _output = output;
        _overTls = overTls;
        Directory = System.IO.Directory.CreateTempSubdirectory($"fetch-hardening-{name}-");
    }

    public DirectoryInfo Directory { get; }

    /// <summary>Fetches into the fresh directory; the run's exit code and stderr are logged for the record.</summary>
    public async Task<CliResult> RunAsync(RawHttpServer server, params string[] extra)
    {
        if (_overTls)
        {
            // The same scripted bytes, behind TLS: the https:// source must behave as the plain one.
            await using var front = new TlsFront(Tls.Value.Certificates.Leaf, server.Port);
            return await RunAsync([front.Url("/page"), "-o", Target, "--cacert", Tls.Value.Pem, .. extra]);
        }

        return await RunAsync([server.Url("/page"), "-o", Target, .. extra]);
    }

    private async Task<CliResult> RunAsync(string[] args)
    {
        var run = await CliProcess.RunInAsync(Directory.FullName, ["fetch", .. args]);
        _output.WriteLine($"exit {run.ExitCode}; stderr: {run.Stderr.TrimEnd()}");
        return run;
    }

    /// <summary>The hardening contract: the given exit code, one clear stderr line, and no file at all (final or temporary).</summary>
    public async Task<string> AssertFailsCleanly(RawHttpServer server, int exitCode, params string[] extra)
    {
        var run = await RunAsync(server, extra);
        Assert.Equal(exitCode, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("akkasockets fetch: ", line, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemInfos());
        return line;
    }

    /// <summary>Writes <paramref name="start"/>, then <paramref name="filler"/> until the client gives up (or the bound is reached).</summary>
    public static RawHttpServer Endless(string start, string filler) =>
        RawHttpServer.Start(async (stream, _, token) =>
        {
            await stream.WriteAsync(RawHttpServer.Ascii(start), token);
            var piece = RawHttpServer.Ascii(string.Concat(Enumerable.Repeat(filler, Math.Max(1, 4096 / filler.Length))));
            for (long sent = 0; sent < EndlessBound; sent += piece.Length)
                await stream.WriteAsync(piece, token);
            await RawHttpServer.WaitForClientClose(stream, token);
        });

    /// <summary>Writes <paramref name="response"/>, then closes: gracefully (FIN), or with a reset if asked.</summary>
    public static RawHttpServer ClosingAfter(string response, bool reset = false) =>
        RawHttpServer.Start(async (stream, _, token) =>
        {
            await stream.WriteAsync(RawHttpServer.Ascii(response), token);
            if (reset)
            {
                // Linger 0: close sends RST instead of FIN.
                stream.Socket.LingerState = new LingerOption(enable: true, seconds: 0);
                stream.Socket.Close();
            }
        });

    /// <summary>Writes <paramref name="response"/>, then keeps the socket open until the client closes it.</summary>
    public static RawHttpServer StallingAfter(string response) =>
        RawHttpServer.Replying(RawHttpServer.Ascii(response), keepOpen: true);

    public void Dispose() => Directory.Delete(recursive: true);
}
