using System.CommandLine;
using System.CommandLine.Parsing;

namespace AkkaSockets.Cli.Commands;

/// <summary>
/// A command line that does not parse: every error, not just the first, each under the
/// command's prefix and with the nearest option or command name when one is close; an unknown
/// or missing command also shows the help that lists the right ones.
/// </summary>
internal static class UsageErrors
{
    public static async Task<int> ReportAsync(ParseResult parse, TextWriter error)
    {
        var command = parse.CommandResult.Command;
        var path = Path(parse.CommandResult);
        var prefix = path.Count == 0 ? "akkasockets: " : $"akkasockets {string.Join(' ', path)}: ";
        var unmatched = parse.UnmatchedTokens;
        var lines = new List<string>();
        string? previous = null;
        foreach (var token in unmatched)
        {
            // The value of an unknown option ('--prot 1') is not a second error.
            if (!(previous is not null && previous.StartsWith('-') && !token.StartsWith('-')))
                lines.Add(Unknown(command, token));
            previous = token;
        }

        foreach (var e in parse.Errors)
        {
            var unrecognized = unmatched.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal));
            var missingCommand = e.Message.StartsWith("Required command", StringComparison.Ordinal);
            if (!unrecognized && !(missingCommand && unmatched.Count > 0))
                lines.Add(missingCommand ? "a command is required" : OneLine(e.Message));
        }

        if (lines.Count == 0)
            lines.Add("invalid command line");

        if (command.Subcommands.Count > 0)
        {
            // An unknown or missing command: show which ones there are.
            foreach (var line in lines)
                await error.WriteLineAsync(prefix + line);
            await error.WriteLineAsync();
            await parse.RootCommandResult.Command.Parse([.. path, "--help"]).InvokeAsync(new() { Output = error });
            return ExitCodes.Usage;
        }

        // One line per error; the last says where the help is.
        lines[^1] += $" (see 'akkasockets {string.Join(' ', path)} --help')";
        foreach (var line in lines)
            await error.WriteLineAsync(prefix + line);
        return ExitCodes.Usage;
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');

    public static string Unknown(Command command, string token)
    {
        var kind = token.StartsWith('-') ? "option" : command.Subcommands.Count > 0 ? "command" : "argument";
        var candidates = token.StartsWith('-')
            ? command.Options.Concat(command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive)))
                .SelectMany(o => o.Aliases.Prepend(o.Name))
            : command.Subcommands.Select(c => c.Name);
        var nearest = candidates
            .Select(name => (Name: name, Distance: Distance(token, name)))
            .Where(c => c.Distance <= Math.Max(2, c.Name.Length / 3))
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();
        return nearest is null ? $"unknown {kind} '{token}'" : $"unknown {kind} '{token}' (did you mean '{nearest}'?)";
    }

    private static List<string> Path(CommandResult result)
    {
        var names = new List<string>();
        for (var current = result; current.Parent is CommandResult parent; current = parent)
            names.Insert(0, current.Command.Name);
        return names;
    }

    /// <summary>Edit distance (insertions, deletions, substitutions), for "did you mean".</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
