using System.Globalization;
using System.Net;
using System.Text;
using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Configuration;
using HdrHistogram;
using ScottPlot;

namespace AkkaSockets.Cli.Reports;

/// <summary>
/// <c>--report FILE.html</c>: one self-contained page (inline CSS and SVG charts, no scripts,
/// nothing fetched) with the run's settings and figures, the latency-by-percentile chart
/// (HdrHistogram's plot, as wrk2's users draw it), and latency and throughput over time. The
/// charts are drawn by ScottPlot to SVG. The page is well-formed XML as well as HTML.
/// </summary>
public static class LoadHtmlReport
{
    private const int ChartWidth = 900;
    private const int ChartHeight = 380;

    // Percentiles are plotted at log10(1 / (1 - p)): 90% at 1, 99% at 2, and so on.
    private static readonly (double Position, string Label)[] PercentileTicks =
        [(Math.Log10(2), "50%"), (1, "90%"), (2, "99%"), (3, "99.9%"), (4, "99.99%"), (5, "99.999%"), (6, "99.9999%")];

    public static void Write(string path, LoadReport report, ClientSettings client, LoadThresholds thresholds) =>
        File.WriteAllText(path, Render(report, client, thresholds), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    public static string Render(LoadReport report, ClientSettings client, LoadThresholds thresholds)
    {
        var c = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        var title = $"akkasockets load: {client.Host}:{client.Port}";
        html.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n")
            .Append("<title>").Append(Encode(title)).Append("</title>\n")
            .Append("<style>body{font-family:sans-serif;margin:2em;max-width:960px;color:#222}")
            .Append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}")
            .Append("th{background:#f4f4f4}.warn{color:#a40}figure{margin:1.5em 0}</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(Encode(title)).Append("</h1>\n");

        html.Append("<h2>Result</h2>\n<table>\n");
        Row(html, "Ended", string.Create(c, $"{report.EndedBy.ToText()} after {report.Elapsed.TotalSeconds:0.00} s"));
        Row(html, "Sessions", string.Create(c, $"{report.Ok} ok, {report.Failed} failed, {report.Started} started") +
            (report.NotStarted > 0 ? string.Create(c, $", {report.NotStarted} not started") : string.Empty));
        if (report.Failures.Count > 0)
            Row(html, "Failures", string.Join(", ", report.Failures.Select(p => string.Create(c, $"{p.Key} {p.Value}"))));
        Row(html, "Replies", string.Create(c, $"{report.Replies} ({report.RepliesPerSecond:0.0} per second)"));
        Row(html, "Sessions per second", string.Create(c, $"{report.SessionsPerSecond:0.0}"));
        Row(html, "Peak open connections", string.Create(c, $"{report.PeakOpen}"));
        if (report.Reply is { } reply)
        {
            Row(html, "Reply latency (ms)", string.Create(c, $"p50 {reply.P50:0.000}, p90 {reply.P90:0.000}, p99 {reply.P99:0.000}, p99.9 {reply.P999:0.000}, max {reply.Max:0.000}, mean {reply.Mean:0.000}"));
            var over = reply.Minus(report.Settings.ExpectDelay);
            Row(html, $"Over the expected {Units.Format(report.Settings.ExpectDelay)} (ms)", string.Create(c, $"p50 {over.P50:0.000}, p99 {over.P99:0.000}, max {over.Max:0.000}"));
        }
        else
        {
            Row(html, "Reply latency", "no replies recorded");
        }

        foreach (var line in thresholds.Describe(report))
            Row(html, "Threshold", line);
        html.Append("</table>\n");
        foreach (var warning in LoadSummary.Warnings(report))
            html.Append("<p class=\"warn\">Warning: ").Append(Encode(warning)).Append("</p>\n");

        html.Append("<h2>Latency by percentile</h2>\n");
        if (report.Histogram.TotalCount > 0)
            Figure(html, PercentileChart(report.Histogram), "Reply latency by percentile (HdrHistogram)");
        else
            html.Append("<p>No replies were recorded.</p>\n");

        html.Append("<h2>Over time</h2>\n");
        if (report.Timeline.Length > 0)
        {
            Figure(html, LatencyOverTime(report.Timeline), "Reply latency per second");
            Figure(html, ThroughputOverTime(report.Timeline), "Replies and sessions per second, open connections");
        }
        else
        {
            html.Append("<p>The run was too short to sample.</p>\n");
        }

        html.Append("<h2>Settings</h2>\n<table>\n");
        foreach (var (key, value) in LoadSummary.Settings(client, report.Settings))
            Row(html, key, value switch
            {
                null => "off",
                System.Text.Json.Nodes.JsonValue v when v.TryGetValue<string>(out var text) => text,
                _ => value.ToJsonString(),
            });
        html.Append("</table>\n<p>Written by akkasockets at ")
            .Append(Encode(DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", c)))
            .Append(".</p>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static Plot PercentileChart(HistogramBase micros)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        // The 100th percentile sits at infinity on this axis: the max is plotted at the highest
        // percentile the count resolves (1 - 1/count), as far as 99.9999%.
        var highest = Math.Min(0.999999, 1 - (1.0 / Math.Max(2, micros.TotalCount)));
        foreach (var step in micros.Percentiles(5))
        {
            var share = Math.Min(step.PercentileLevelIteratedTo / 100.0, highest);
            xs.Add(Math.Log10(1 / (1 - share)));
            ys.Add(step.ValueIteratedTo / 1000.0);
        }

        var plot = new Plot();
        var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
        line.LegendText = "reply latency";
        line.MarkerSize = 3;
        var shown = PercentileTicks.Where(t => t.Position <= Math.Max(1, xs.Max()) + 0.01).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. shown.Select(t => t.Position)], [.. shown.Select(t => t.Label)]);
        plot.XLabel("percentile");
        plot.YLabel("latency (ms)");
        plot.Title("Reply latency by percentile");
        return plot;
    }

    private static Plot LatencyOverTime(IReadOnlyList<LoadSample> timeline)
    {
        var plot = new Plot();
        var sampled = timeline.Where(s => s.Reply is not null).ToArray();
        if (sampled.Length > 0)
        {
            var xs = sampled.Select(s => s.End.TotalSeconds).ToArray();
            Series(plot, xs, [.. sampled.Select(s => s.Reply!.P50)], "p50");
            Series(plot, xs, [.. sampled.Select(s => s.Reply!.P99)], "p99");
            Series(plot, xs, [.. sampled.Select(s => s.Reply!.Max)], "max");
            plot.ShowLegend(Alignment.UpperLeft);
        }

        plot.XLabel("time (s)");
        plot.YLabel("latency (ms)");
        plot.Title("Reply latency per second");
        return plot;
    }

    private static Plot ThroughputOverTime(IReadOnlyList<LoadSample> timeline)
    {
        var plot = new Plot();
        var xs = timeline.Select(s => s.End.TotalSeconds).ToArray();
        Series(plot, xs, [.. timeline.Select(s => s.RepliesPerSecond)], "replies/s");
        Series(plot, xs, [.. timeline.Select(s => s.SessionsPerSecond)], "sessions ok/s");
        var open = Series(plot, xs, [.. timeline.Select(s => (double)s.Open)], "open connections");
        open.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "open connections";
        plot.ShowLegend(Alignment.UpperLeft);
        plot.XLabel("time (s)");
        plot.YLabel("per second");
        plot.Title("Throughput");
        return plot;
    }

    private static ScottPlot.Plottables.Scatter Series(Plot plot, double[] xs, double[] ys, string label)
    {
        var series = plot.Add.Scatter(xs, ys);
        series.LegendText = label;
        series.MarkerSize = xs.Length > 60 ? 0 : 4;
        return series;
    }

    private static void Figure(StringBuilder html, Plot plot, string caption)
    {
        var svg = plot.GetSvgXml(ChartWidth, ChartHeight);
        // Inline, so the XML declaration goes.
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        html.Append("<figure>\n").Append(start >= 0 ? svg[start..] : svg)
            .Append("\n<figcaption>").Append(Encode(caption)).Append("</figcaption>\n</figure>\n");
    }

    private static void Row(StringBuilder html, string key, string value) =>
        html.Append("<tr><th>").Append(Encode(key)).Append("</th><td>").Append(Encode(value)).Append("</td></tr>\n");

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
