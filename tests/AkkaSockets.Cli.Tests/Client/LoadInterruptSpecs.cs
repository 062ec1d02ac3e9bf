using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ServerProcess = AkkaSockets.Cli.Tests.Support.CliProcess;

namespace AkkaSockets.Cli.Tests.Client;

public sealed partial class LoadInterruptSpecs : IClassFixture<ServerFixture>, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly ServerFixture _server;
    private readonly string _config = Path.GetTempFileName();

    public LoadInterruptSpecs(ServerFixture server)
    {
        _server = server;
        File.WriteAllText(_config, "akkasockets.client.load.progress-interval = 100ms\n");
    }

    public void Dispose() => File.Delete(_config);

    [Fact]
    public async Task Ctrl_c_mid_run_reports_the_replies_seen_so_far_says_it_was_interrupted_and_exits_130()
    {
        // Think time keeps the sessions busy for seconds while replies keep arriving.
        using var load = ServerProcess.Start(
            "load", "--port", _server.Port.ToString(CultureInfo.InvariantCulture), "--connections", "50", "--sessions", "500",
            "--think", "500ms", "--expect-delay", $"{ServerFixture.DelayMs}ms", "--json", "--config", _config);
        var progress = await load.Stderr.WaitForAsync(
            l => ProgressReplies().Match(l) is { Success: true } m && long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) > 0,
            Bound,
            "a progress line with replies");
        var seen = long.Parse(ProgressReplies().Match(progress).Groups[1].Value, CultureInfo.InvariantCulture);

        load.Interrupt();
        var exit = await load.WaitForExitAsync(Bound);

        Assert.True(exit == 130, $"exit {exit}\n{load.Stderr}");
        using var json = JsonDocument.Parse(string.Join('\n', load.Stdout.Lines));
        var root = json.RootElement;
        Assert.True(root.GetProperty("interrupted").GetBoolean());
        Assert.Equal("interrupted", root.GetProperty("ended_by").GetString());
        var replies = root.GetProperty("replies").GetInt64();
        Assert.True(replies >= seen, $"{replies} replies reported, {seen} already shown in progress");
        Assert.True(root.GetProperty("reply_ms").GetProperty("p50").GetDouble() >= ServerFixture.DelayMs - 10, root.ToString());
        Assert.True(root.GetProperty("failures").GetProperty("cancelled").GetInt64() > 0, root.ToString());
        Assert.Contains(load.Stderr.Lines, l => l.StartsWith("Warning: the run was interrupted", StringComparison.Ordinal));
        Assert.Contains(load.Stderr.Lines, l => l.StartsWith("Reply latency (ms, " + replies + " replies)", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^load: .* replies (\d+) ")]
    private static partial Regex ProgressReplies();
}
