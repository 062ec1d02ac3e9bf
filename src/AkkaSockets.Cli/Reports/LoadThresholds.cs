using System.Globalization;
using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Configuration;

namespace AkkaSockets.Cli.Reports;

/// <summary>Pass/fail limits for CI, as k6's thresholds: <c>--max-p99</c> and <c>--max-failures</c>.</summary>
public sealed record LoadThresholds(TimeSpan? MaxP99, long? MaxFailures)
{
    public static readonly LoadThresholds None = new(null, null);

    public bool Any => MaxP99 is not null || MaxFailures is not null;

    /// <summary>The failed-sessions limit, when set and exceeded.</summary>
    public bool FailuresExceeded(LoadReport report) => MaxFailures is { } max && report.Failed > max;

    /// <summary>The p99 limit, when set and exceeded; a run with no replies cannot pass it.</summary>
    public bool P99Exceeded(LoadReport report) =>
        MaxP99 is { } max && (report.Reply is not { } reply || reply.P99 > max.TotalMilliseconds);

    /// <summary>One line per threshold: its figure, its limit and whether it held.</summary>
    public IEnumerable<string> Describe(LoadReport report)
    {
        var c = CultureInfo.InvariantCulture;
        if (MaxFailures is { } failures)
        {
            yield return string.Create(c, $"failed sessions {report.Failed} (limit {failures}): {Verdict(FailuresExceeded(report))}");
        }

        if (MaxP99 is { } p99)
        {
            var figure = report.Reply is { } reply ? string.Create(c, $"{reply.P99:0.000} ms") : "no replies";
            yield return $"reply p99 {figure} (limit {Units.Format(p99)}): {Verdict(P99Exceeded(report))}";
        }
    }

    private static string Verdict(bool exceeded) => exceeded ? "EXCEEDED" : "ok";
}
