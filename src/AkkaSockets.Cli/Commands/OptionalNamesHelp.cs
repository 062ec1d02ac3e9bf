using System.CommandLine;
using System.CommandLine.Invocation;
using System.Text.RegularExpressions;

namespace AkkaSockets.Cli.Commands;

/// <summary>
/// The standard help, except that the command list shows <c>client [&lt;NAME&gt;...]</c>:
/// System.CommandLine lists a command's argument as <c>&lt;NAME&gt;</c> whatever its arity,
/// which read as if names were required.
/// </summary>
internal sealed partial class OptionalNamesHelp(SynchronousCommandLineAction standard) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var captured = new StringWriter();
        var original = parseResult.InvocationConfiguration.Output;
        parseResult.InvocationConfiguration.Output = captured;
        int result;
        try
        {
            result = standard.Invoke(parseResult);
        }
        finally
        {
            parseResult.InvocationConfiguration.Output = original;
        }

        output.Write(Rewrite(captured.ToString()));
        return result;
    }

    /// <summary>Rewrites the Commands section, re-aligning its second column.</summary>
    public static string Rewrite(string help)
    {
        var lines = help.Split('\n');
        var start = Array.IndexOf(lines, "Commands:") + 1;
        if (start == 0)
            return help;
        var end = start;
        var rows = new List<(string Label, string Text)>();
        for (; end < lines.Length && Row().Match(lines[end]) is { Success: true } row; end++)
            rows.Add((row.Groups[1].Value == "client <NAME>" ? "client [<NAME>...]" : row.Groups[1].Value, row.Groups[2].Value));

        var width = rows.Count == 0 ? 0 : rows.Max(r => r.Label.Length);
        for (var i = 0; i < rows.Count; i++)
            lines[start + i] = $"  {rows[i].Label.PadRight(width)}  {rows[i].Text}";
        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"^  (\S+(?: \S+)?)\s{2,}(\S.*)$")]
    private static partial Regex Row();
}
