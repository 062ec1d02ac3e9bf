using System.Globalization;
using System.Text.Json;
using AkkaSockets.Actors.Cluster;

namespace AkkaSockets.Cli.Rendering;

/// <summary>The status command's output: a table for people, or one JSON object for machines.</summary>
public static class StatusRenderer
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteText(ClusterStatus status, TextWriter output)
    {
        output.WriteLine($"Members ({status.Members.Count}):");
        var width = status.Members.Select(m => m.Address.Length).Append(status.Figures.Select(f => f.Node.Length).DefaultIfEmpty(5).Max()).Max();
        foreach (var m in status.Members)
            output.WriteLine($"  {m.Address.PadRight(width)}  {string.Join(',', m.Roles),-8}  {m.Status,-8}  {(m.Reachable ? "reachable" : "UNREACHABLE")}");

        output.WriteLine();
        output.WriteLine($"  {"node".PadRight(width)}  {"open",8}  {"accepted",10}  {"busy",8}  {"replies",10}  {"closed",10}  closes by reason");
        foreach (var f in status.Figures)
            output.WriteLine(Row(f, f.Node, width));
        output.WriteLine(Row(status.Total, "total", width));
    }

    public static void WriteJson(ClusterStatus status, TextWriter output)
    {
        var document = new Dictionary<string, object>
        {
            ["members"] = status.Members.Select(m => new Dictionary<string, object>
            {
                ["address"] = m.Address,
                ["roles"] = m.Roles,
                ["status"] = m.Status,
                ["reachable"] = m.Reachable,
            }).ToList(),
            ["nodes"] = status.Figures.Select(Figures).ToList(),
            ["total"] = Figures(status.Total),
        };
        output.WriteLine(JsonSerializer.Serialize(document, Json));
    }

    private static Dictionary<string, object> Figures(NodeFigures f)
    {
        var figures = new Dictionary<string, object>
        {
            ["node"] = f.Node,
            ["open"] = f.Open,
            ["accepted"] = f.Accepted,
            ["refused_busy"] = f.RefusedBusy,
            ["replies"] = f.Replies,
            ["closed"] = f.Closed,
            ["closes"] = f.ClosesByReason,
        };
        if (f.At != DateTimeOffset.MinValue)
            figures["at"] = f.At.ToString("O", CultureInfo.InvariantCulture);
        return figures;
    }

    private static string Row(NodeFigures f, string name, int width)
    {
        var closes = string.Join(' ', f.ClosesByReason.Select(kv => $"{kv.Key}={kv.Value}"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"  {name.PadRight(width)}  {f.Open,8}  {f.Accepted,10}  {f.RefusedBusy,8}  {f.Replies,10}  {f.Closed,10}  {closes}");
    }
}
