using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace AkkaSockets.Cli.Tests.Client;

/// <summary><c>akkasockets load</c>'s files, thresholds, warnings and run modes, against a real server process.</summary>
public sealed partial class LoadReportSpecs : IClassFixture<ServerFixture>, IDisposable
{
    private readonly ServerFixture _server;
    private readonly string _dir = Directory.CreateTempSubdirectory("akkasockets-load-").FullName;

    public LoadReportSpecs(ServerFixture server) => _server = server;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<CliResult> Load(params string[] args) => CliProcess.RunAsync(
        ["load", "--port", _server.Port.ToString(CultureInfo.InvariantCulture), "--expect-delay", $"{ServerFixture.DelayMs}ms", .. args]);

    [Fact]
    public async Task The_hgrm_file_parses_back_to_the_runs_reply_count_and_max()
    {
        var hgrm = Path.Combine(_dir, "run.hgrm");

        var result = await Load("--connections", "10", "--json", "--hgrm", hgrm);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var lines = File.ReadAllLines(hgrm);
        Assert.Matches(@"^\s+Value\s+Percentile\s+TotalCount\s+1/\(1-Percentile\)$", lines[0]);
        var rows = lines.Select(l => HgrmRow().Match(l)).Where(m => m.Success).ToArray();
        Assert.True(rows.Length > 5, string.Join('\n', lines));
        var values = rows.Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
        var percentiles = rows.Select(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(values.Order(), values);
        Assert.Equal(percentiles.Order(), percentiles);
        Assert.Equal(1.0, percentiles[^1]);
        // The last row holds every reply, at the run's maximum (milliseconds, as in the JSON).
        Assert.Equal(30, long.Parse(rows[^1].Groups[3].Value, CultureInfo.InvariantCulture));
        Assert.Equal(json.RootElement.GetProperty("reply_ms").GetProperty("max").GetDouble(), values[^1], 1);
        var footer = MaxFooter().Match(string.Join('\n', lines));
        Assert.True(footer.Success, string.Join('\n', lines));
        Assert.Equal("30", footer.Groups[2].Value);
    }

    [Fact]
    public async Task The_html_report_is_one_well_formed_self_contained_page_with_the_percentile_and_over_time_charts()
    {
        var html = Path.Combine(_dir, "run.html");

        var result = await Load("--connections", "10", "--report", html);

        Assert.True(result.ExitCode == 0, result.ToString());
        var text = File.ReadAllText(html);
        Assert.StartsWith("<!DOCTYPE html>", text, StringComparison.Ordinal);
        var page = XDocument.Parse(text[text.IndexOf("<html", StringComparison.Ordinal)..]);
        XNamespace xhtml = "http://www.w3.org/1999/xhtml";
        XNamespace svg = "http://www.w3.org/2000/svg";
        Assert.Equal("akkasockets load: 127.0.0.1:" + _server.Port, page.Descendants(xhtml + "title").Single().Value);
        var charts = page.Descendants(svg + "svg").ToArray();
        Assert.Equal(3, charts.Length);
        // Each chart is drawn: lines and text, not an empty frame.
        foreach (var chart in charts)
        {
            Assert.NotEmpty(chart.Descendants(svg + "path"));
            Assert.NotEmpty(chart.Descendants(svg + "text"));
        }

        var captions = page.Descendants(xhtml + "figcaption").Select(c => c.Value).ToArray();
        Assert.Contains("Reply latency by percentile (HdrHistogram)", captions);
        Assert.Contains("Reply latency per second", captions);
        // The percentile chart's axis is labelled in percentiles.
        Assert.Contains(charts[0].Descendants(svg + "text"), t => t.Value.Trim() == "90%");
        Assert.Contains(page.Descendants(xhtml + "td"), td => td.Value.StartsWith("10 ok, 0 failed", StringComparison.Ordinal));
        // Self-contained: nothing to fetch, nothing to run.
        Assert.Empty(page.Descendants(xhtml + "script"));
        Assert.Empty(page.Descendants(xhtml + "link"));
        Assert.DoesNotContain(page.Descendants(), e => e.Name.LocalName == "img");
        Assert.DoesNotContain(page.Descendants().Attributes(), a => a.Value.Contains("//", StringComparison.Ordinal) && a.Name.LocalName is "src" or "href");
    }

    [Fact]
    public async Task A_p99_limit_below_the_servers_delay_fails_the_run_with_exit_17()
    {
        var result = await Load("--connections", "5", "--json", "--max-p99", "5ms");

        Assert.True(result.ExitCode == 17, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(["max_p99"], json.RootElement.GetProperty("thresholds").GetProperty("exceeded").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(result.StderrLines, l => l.StartsWith("Threshold: reply p99", StringComparison.Ordinal) && l.EndsWith("EXCEEDED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_p99_limit_above_the_observed_latency_passes()
    {
        var result = await Load("--connections", "5", "--max-p99", "10s");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(result.StderrLines, l => l.StartsWith("Threshold: reply p99", StringComparison.Ordinal) && l.EndsWith(": ok", StringComparison.Ordinal));
    }

    [Fact]
    public async Task More_failures_than_the_limit_exit_18_and_failures_within_it_exit_0()
    {
        using var closedPort = new ClosedPort();
        var closed = closedPort.Port.ToString(CultureInfo.InvariantCulture);

        var over = await CliProcess.RunAsync("load", "--port", closed, "--connections", "5", "--max-failures", "4", "--json");
        var within = await CliProcess.RunAsync("load", "--port", closed, "--connections", "5", "--max-failures", "5");

        Assert.True(over.ExitCode == 18, over.ToString());
        using var json = JsonDocument.Parse(over.Stdout);
        Assert.Equal(["max_failures"], json.RootElement.GetProperty("thresholds").GetProperty("exceeded").EnumerateArray().Select(e => e.GetString()));
        Assert.True(within.ExitCode == 0, within.ToString());
        Assert.Contains("Threshold: failed sessions 5 (limit 5): ok", within.StderrLines);
    }

    [Fact]
    public async Task A_bad_threshold_is_a_usage_error_naming_the_flag()
    {
        var result = await CliProcess.RunAsync("load", "--max-failures", "some");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--max-failures", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_report_file_in_a_missing_directory_is_a_usage_error_before_anything_runs()
    {
        var result = await CliProcess.RunAsync("load", "--port", "1", "--report", Path.Combine(_dir, "missing", "run.html"));

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("akkasockets load: --report: the directory", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Latency_far_below_the_expected_delay_is_flagged_on_stderr_and_in_the_json()
    {
        var result = await CliProcess.RunAsync(
            "load", "--port", _server.Port.ToString(CultureInfo.InvariantCulture), "--connections", "5", "--expect-delay", "1s", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var warning = Assert.Single(result.StderrLines, l => l.StartsWith("Warning: reply p50", StringComparison.Ordinal));
        Assert.Contains("far below the expected delay 1s", warning, StringComparison.Ordinal);
        Assert.Contains("--expect-delay", warning, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Single(json.RootElement.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task Gc_diagnostics_print_only_with_verbose()
    {
        var quiet = await Load("--connections", "2");
        var verbose = await Load("--connections", "2", "--verbose");

        Assert.True(quiet.ExitCode == 0 && verbose.ExitCode == 0, $"{quiet}\n{verbose}");
        Assert.DoesNotContain(quiet.StderrLines, l => l.Contains("GC collections", StringComparison.Ordinal));
        Assert.Contains(verbose.StderrLines, l => l.StartsWith("load: GC collections gen0", StringComparison.Ordinal));
        // Without --json nothing goes to stdout: the summary is on stderr.
        Assert.Empty(quiet.Stdout);
    }

    [Fact]
    public async Task With_a_duration_the_run_keeps_starting_sessions_until_it_passes()
    {
        var result = await Load("--connections", "3", "--duration", "1s", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal("duration", root.GetProperty("ended_by").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("sessions").ValueKind);
        Assert.True(root.GetProperty("ok").GetInt64() > 3, root.ToString());
        Assert.Equal(0, root.GetProperty("failed").GetInt64());
        Assert.True(root.GetProperty("elapsed_s").GetDouble() >= 1.0, root.ToString());
    }

    [Fact]
    public async Task Line_framing_runs_against_a_line_framed_server()
    {
        var (server, port) = await CliProcess.StartServerAsync("--delay", "10ms", "--framing", "line", "--quiet");
        using var running = server;

        var result = await CliProcess.RunAsync(
            "load", "--port", port.ToString(CultureInfo.InvariantCulture), "--connections", "4", "--framing", "line", "--expect-delay", "10ms", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(4, json.RootElement.GetProperty("ok").GetInt64());
        Assert.Equal("line", json.RootElement.GetProperty("settings").GetProperty("framing").GetString());
    }

    [GeneratedRegex(@"^\s*([0-9.]+)\s+([0-9.]+)\s+([0-9]+)(\s+\S+)?\s*$")]
    private static partial Regex HgrmRow();

    [GeneratedRegex(@"#\[Max\s*=\s*([0-9.]+), Total count\s*=\s*([0-9]+)\]")]
    private static partial Regex MaxFooter();
}
