using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Configuration;

namespace AkkaSockets.Cli.Reports;

/// <summary>
/// A finished load run for people (the summary on stderr) and for machines (one JSON object on
/// stdout with <c>--json</c>).
/// </summary>
public static class LoadSummary
{
    /// <summary>
    /// Observed latency under this share of the expected delay means the server's delay is not
    /// the one assumed (a <c>--delay 0</c> server against the default 1 s).
    /// </summary>
    private const double FarBelowShare = 0.5;

    /// <summary>What a careful reader of the figures should be told before trusting them.</summary>
    public static IReadOnlyList<string> Warnings(LoadReport report)
    {
        var warnings = new List<string>();
        var c = CultureInfo.InvariantCulture;
        if (report.Interrupted)
            warnings.Add("the run was interrupted: the figures cover only what was seen until then");
        else if (report.EndedBy == LoadEnd.MaxDuration)
            warnings.Add($"the run was cut short by --max-duration {Units.Format(report.Settings.MaxDuration ?? TimeSpan.Zero)}: the figures cover only what was seen until then");
        var expect = report.Settings.ExpectDelay;
        if (report.Reply is { } reply && expect > TimeSpan.Zero && reply.P50 < expect.TotalMilliseconds * FarBelowShare)
        {
            warnings.Add(string.Create(
                c,
                $"reply p50 {reply.P50:0.000} ms is far below the expected delay {Units.Format(expect)}: the server's delay is probably different; " +
                $"pass it as --expect-delay (0 for none)"));
        }

        return warnings;
    }

    public static void Write(TextWriter output, LoadReport report, LoadThresholds thresholds)
    {
        var c = CultureInfo.InvariantCulture;
        var planned = report.Settings.Sessions is { } sessions ? string.Create(c, $" of {sessions}") : string.Empty;
        output.WriteLine(string.Create(
            c,
            $"Sessions: {report.Ok} ok, {report.Failed} failed{planned} ({report.EndedBy.ToText()} after {report.Elapsed.TotalSeconds:0.00}s)"));
        if (report.NotStarted > 0)
            output.WriteLine(string.Create(c, $"Not started: {report.NotStarted}"));
        if (report.Failures.Count > 0)
            output.WriteLine("Failures: " + string.Join(", ", report.Failures.Select(p => string.Create(c, $"{p.Key} {p.Value}"))));
        if (report.Reply is { } reply)
        {
            output.WriteLine(string.Create(c, $"Reply latency (ms, {reply.Count} replies): {Percentiles(reply)}"));
            output.WriteLine(string.Create(c, $"Over the expected {Units.Format(report.Settings.ExpectDelay)} delay (ms): {Percentiles(reply.Minus(report.Settings.ExpectDelay))}"));
        }
        else
        {
            output.WriteLine("Reply latency: no replies recorded");
        }

        output.WriteLine(string.Create(c, $"Sessions per second: {report.SessionsPerSecond:0.0}; replies per second: {report.RepliesPerSecond:0.0}"));
        output.WriteLine(string.Create(c, $"Peak open connections: {report.PeakOpen}"));
        foreach (var line in thresholds.Describe(report))
            output.WriteLine($"Threshold: {line}");
        foreach (var warning in Warnings(report))
            output.WriteLine($"Warning: {warning}");
    }

    private static string Percentiles(LatencySummary s) => string.Create(
        CultureInfo.InvariantCulture,
        $"p50 {s.P50:0.000}  p90 {s.P90:0.000}  p99 {s.P99:0.000}  p99.9 {s.P999:0.000}  max {s.Max:0.000}  mean {s.Mean:0.000}");

    public static string ToJson(LoadReport report, ClientSettings client, LoadThresholds thresholds)
    {
        var load = report.Settings;
        var failures = new JsonObject();
        foreach (var (cause, count) in report.Failures)
            failures[cause] = count;
        var exceeded = new JsonArray();
        if (thresholds.FailuresExceeded(report))
            exceeded.Add("max_failures");
        if (thresholds.P99Exceeded(report))
            exceeded.Add("max_p99");
        var root = new JsonObject
        {
            ["sessions"] = load.Sessions,
            ["started"] = report.Started,
            ["not_started"] = report.NotStarted,
            ["ok"] = report.Ok,
            ["failed"] = report.Failed,
            ["failures"] = failures,
            ["replies"] = report.Replies,
            ["reply_ms"] = Latency(report.Reply),
            ["over_delay_ms"] = Latency(report.OverDelay),
            ["expect_delay_ms"] = load.ExpectDelay.TotalMilliseconds,
            ["sessions_per_s"] = Math.Round(report.SessionsPerSecond, 3),
            ["replies_per_s"] = Math.Round(report.RepliesPerSecond, 3),
            ["peak_open"] = report.PeakOpen,
            ["elapsed_s"] = Math.Round(report.Elapsed.TotalSeconds, 3),
            ["ended_by"] = report.EndedBy.ToText(),
            ["interrupted"] = report.Interrupted,
            ["thresholds"] = new JsonObject
            {
                ["max_p99_ms"] = thresholds.MaxP99?.TotalMilliseconds,
                ["max_failures"] = thresholds.MaxFailures,
                ["exceeded"] = exceeded,
            },
            ["warnings"] = new JsonArray([.. Warnings(report).Select(w => JsonValue.Create(w))]),
            ["settings"] = Settings(client, load),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    /// <summary>The run's settings as the JSON and the HTML report show them.</summary>
    public static JsonObject Settings(ClientSettings client, LoadSettings load) => new()
    {
        ["host"] = client.Host,
        ["port"] = client.Port,
        ["transport"] = SettingsReader.Kebab(client.Transport.ToString()),
        ["framing"] = SettingsReader.Kebab(client.Framing.ToString()),
        ["names"] = new JsonArray([.. client.Names.Select(n => JsonValue.Create(n))]),
        ["connections"] = load.Connections,
        ["sessions"] = load.Sessions,
        ["ramp_per_s"] = load.Ramp,
        ["duration_s"] = load.Duration?.TotalSeconds,
        ["max_duration_s"] = load.MaxDuration?.TotalSeconds,
        ["think_ms"] = load.Think.TotalMilliseconds,
        ["timeout_ms"] = client.Timeout.TotalMilliseconds,
    };

    internal static JsonObject? Latency(LatencySummary? s) => s is null
        ? null
        : new JsonObject
        {
            ["p50"] = Math.Round(s.P50, 3),
            ["p90"] = Math.Round(s.P90, 3),
            ["p99"] = Math.Round(s.P99, 3),
            ["p99.9"] = Math.Round(s.P999, 3),
            ["max"] = Math.Round(s.Max, 3),
            ["mean"] = Math.Round(s.Mean, 3),
        };
}
