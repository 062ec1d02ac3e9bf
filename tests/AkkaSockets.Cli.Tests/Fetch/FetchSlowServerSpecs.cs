using AkkaSockets.Cli.Commands;
using Xunit.Abstractions;

namespace AkkaSockets.Cli.Tests.Fetch;

/// <summary>Servers that send too slowly or stop: the idle timeout ends the fetch, with no file.</summary>
[Trait("Category", "Hardening")]
public sealed class FetchSlowServerSpecs : IDisposable
{
    private const string Timeout = "500ms";

    // Slower than the timeout, so the first gap is idle; a drip faster than it is data, not idleness.
    private static readonly TimeSpan DripInterval = TimeSpan.FromMilliseconds(1500);

    // Bounds the drip: the client gives up after the first gap, long before this.
    private const int MaxDrips = 20;

    private readonly FetchAgainst _fetch;

    // Only the wait for data is short: a cold process on a busy machine may take longer than
    // that to connect, which is not what these specs are about (--timeout would bound both).
    private readonly string _idleOnly = Path.Combine(Path.GetTempPath(), $"akkasockets-idle-{Guid.NewGuid():N}.hocon");

    public FetchSlowServerSpecs(ITestOutputHelper output)
    {
        _fetch = new FetchAgainst(output, "slow");
        File.WriteAllText(_idleOnly, $"akkasockets.fetch {{\n  idle-timeout = {Timeout}\n  connect-timeout = 30s\n}}\n");
    }

    private static RawHttpServer Dripping(string start, string drip) =>
        RawHttpServer.Start(async (stream, _, token) =>
        {
            await stream.WriteAsync(RawHttpServer.Ascii(start), token);
            var bytes = RawHttpServer.Ascii(drip);
            for (var i = 0; i < Math.Min(MaxDrips, bytes.Length); i++)
            {
                await stream.WriteAsync(bytes.AsMemory(i, 1), token);
                await Task.Delay(DripInterval, token);
            }

            await RawHttpServer.WaitForClientClose(stream, token);
        });

    [Theory]
    [InlineData("", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n", "twenty bytes of body")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "5\r\nhello\r\n0\r\n\r\n")]
    public async Task A_drip_slower_than_the_idle_timeout_times_out(string start, string drip)
    {
        await using var server = Dripping(start, drip);

        var line = await _fetch.AssertFailsCleanly(server, ExitCodes.FetchTimeout, "--config", _idleOnly);

        Assert.Contains($"No data from 127.0.0.1:{server.Port} for {Timeout}", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly the start")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\nhalf of a chunk")]
    public async Task A_server_that_stalls_mid_body_times_out(string response)
    {
        await using var server = FetchAgainst.StallingAfter(response);

        var line = await _fetch.AssertFailsCleanly(server, ExitCodes.FetchTimeout, "--config", _idleOnly);

        Assert.Contains("No data from", line, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _fetch.Dispose();
        File.Delete(_idleOnly);
    }
}
