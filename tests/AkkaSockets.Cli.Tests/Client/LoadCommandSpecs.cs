using System.Globalization;
using System.Net;
using System.Text.Json;

namespace AkkaSockets.Cli.Tests.Client;

public sealed class LoadCommandSpecs : IClassFixture<ServerFixture>
{
    private readonly ServerFixture _server;

    public LoadCommandSpecs(ServerFixture server) => _server = server;

    [Fact]
    public async Task Twenty_connections_against_the_server_all_succeed_and_stdout_is_exactly_the_json_summary()
    {
        var result = await CliProcess.RunAsync(
            "load", "--port", Port(_server.Port), "--connections", "20", "--expect-delay", $"{ServerFixture.DelayMs}ms", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(20, root.GetProperty("ok").GetInt64());
        Assert.Equal(0, root.GetProperty("failed").GetInt64());
        Assert.Empty(root.GetProperty("failures").EnumerateObject());
        Assert.Equal(60, root.GetProperty("replies").GetInt64());
        var reply = root.GetProperty("reply_ms");
        // Every percentile covers the server's delay, less one 10 ms scheduler tick.
        foreach (var key in new[] { "p50", "p90", "p99", "p99.9", "max" })
            Assert.True(reply.GetProperty(key).GetDouble() >= ServerFixture.DelayMs - 10, $"{key} is below the server's delay: {reply}");
        // Each figure sits under its own key: read in key order they never decrease.
        var figures = new[] { "p50", "p90", "p99", "p99.9", "max" }.Select(k => reply.GetProperty(k).GetDouble()).ToArray();
        Assert.True(figures.SequenceEqual(figures.Order()), $"the percentiles are out of order: {reply}");
        Assert.True(root.GetProperty("sessions_per_s").GetDouble() > 0);
        Assert.InRange(root.GetProperty("peak_open").GetInt32(), 1, 20);
        // Progress, the human summary and diagnostics stay on stderr.
        Assert.Contains("load:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Sessions: 20 ok, 0 failed of 20", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Through_akka_io_the_sessions_succeed_as_well()
    {
        var result = await CliProcess.RunAsync(
            "load", "--port", Port(_server.Port), "--connections", "10", "--transport", "akka-io", "--expect-delay", $"{ServerFixture.DelayMs}ms", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(10, json.RootElement.GetProperty("ok").GetInt64());
        Assert.Equal(30, json.RootElement.GetProperty("replies").GetInt64());
        Assert.Contains("transport akka-io", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_whose_sessions_are_refused_counts_them_by_cause_reports_no_latency_and_exits_16()
    {
        using var closed = new ClosedPort();

        var result = await CliProcess.RunAsync("load", "--port", Port(closed.Port), "--connections", "5", "--json");

        Assert.True(result.ExitCode == 16, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(0, json.RootElement.GetProperty("ok").GetInt64());
        Assert.Equal(5, json.RootElement.GetProperty("failed").GetInt64());
        Assert.Equal(5, json.RootElement.GetProperty("failures").GetProperty("refused").GetInt64());
        // No reply arrived: no latency figures, rather than zeros.
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("reply_ms").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("over_delay_ms").ValueKind);
        Assert.Contains("Reply latency: no replies recorded", result.StderrLines);
    }

    [Fact]
    public async Task A_bad_connection_count_is_a_usage_error_naming_the_flag()
    {
        var result = await CliProcess.RunAsync("load", "--connections", "zero");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--connections", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_transport_is_a_usage_error_naming_the_flag()
    {
        var result = await CliProcess.RunAsync("load", "--transport", "udp");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("--transport", line, StringComparison.Ordinal);
        Assert.Contains("direct, akka-io", line, StringComparison.Ordinal);
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
