using Akka.Configuration;

namespace AkkaSockets.Actors.Configuration;

/// <summary>
/// The defaults in <c>hocon/</c>, embedded in this assembly, layered under a user's file and
/// command-line flags: flag &gt; <c>--config FILE</c> &gt; embedded defaults.
/// </summary>
public static class HoconDefaults
{
    public static Config Embedded(params string[] names)
    {
        var config = Config.Empty;
        foreach (var name in names)
            config = config.WithFallback(ConfigurationFactory.ParseString(ReadResource(name)));
        return config;
    }

    public static string ReadResource(string name)
    {
        var resource = $"AkkaSockets.hocon.{name}.hocon";
        using var stream = typeof(HoconDefaults).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Flags (may be empty) over the file (optional) over the named embedded defaults.</summary>
    public static Config Compose(Config flags, string? configFile, params string[] names)
    {
        var config = flags;
        if (configFile is not null)
            config = config.WithFallback(ParseFile(configFile));
        return config.WithFallback(Embedded(names));
    }

    public static Config ParseFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"--config {path}: cannot read: {e.Message}", e);
        }

        Config parsed;
        try
        {
            parsed = ConfigurationFactory.ParseString(text);
        }
        catch (Exception e) when (e is not SettingsException)
        {
            throw new SettingsException($"--config {path}: not valid HOCON: {FirstLine(e.Message)}", e);
        }

        if (UnclosedBrace(text) is { } line)
            throw new SettingsException($"--config {path}: not valid HOCON: the '{{' on line {line} is never closed");
        if (UnknownKeys(parsed).FirstOrDefault() is { } unknown)
            throw new SettingsException($"--config {path}: unknown key {unknown}");
        return parsed;
    }

    /// <summary>
    /// Keys under <c>akkasockets</c> that no embedded default has: a typo such as <c>prot</c>
    /// would otherwise be ignored while the default applies.
    /// </summary>
    public static IEnumerable<string> UnknownKeys(Config config)
    {
        if (!config.HasPath(Root))
            return [];
        var known = Embedded([.. EmbeddedNames()]);
        return Leaves(config.GetValue(Root), Root).Where(key => !known.HasPath(key));
    }

    private const string Root = "akkasockets";

    private static IEnumerable<string> EmbeddedNames()
    {
        const string prefix = "AkkaSockets.hocon.";
        return typeof(HoconDefaults).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".hocon", StringComparison.Ordinal))
            .Select(n => n[prefix.Length..^".hocon".Length]);
    }

    private static IEnumerable<string> Leaves(Akka.Configuration.Hocon.HoconValue value, string path)
    {
        if (!value.IsObject())
            return [path];
        return value.GetObject().Items.SelectMany(item => Leaves(item.Value, $"{path}.{item.Key}"));
    }

    /// <summary>
    /// The line of a <c>{</c> left open at the end of the text (outside strings and comments), which
    /// Akka's parser accepts without a word.
    /// </summary>
    private static int? UnclosedBrace(string text)
    {
        var open = new Stack<int>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
            }
            else if (c == '"')
            {
                // Skip a quoted string (escapes included); a triple-quoted one ends at the next """.
                var triple = string.CompareOrdinal(text, i, "\"\"\"", 0, 3) == 0;
                var end = triple ? text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal) : ClosingQuote(text, i + 1);
                if (end < 0)
                    return null;
                line += text.AsSpan(i, end - i).Count('\n');
                i = triple ? end + 2 : end;
            }
            else if (c == '#' || (c == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                var end = text.IndexOf('\n', i);
                if (end < 0)
                    break;
                i = end - 1;
            }
            else if (c == '{')
            {
                open.Push(line);
            }
            else if (c == '}' && open.Count > 0)
            {
                open.Pop();
            }
        }

        return open.Count > 0 ? open.Peek() : null;
    }

    private static int ClosingQuote(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] == '\\')
                i++;
            else if (text[i] == '"')
                return i;
            else if (text[i] == '\n')
                return -1;
        }

        return -1;
    }

    /// <summary>A HOCON string literal: quoted and escaped, safe for any flag value.</summary>
    public static string Quote(string value)
    {
        var escaped = value
            .Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\t", "\\t", StringComparison.Ordinal);
        return $"\"{escaped}\"";
    }

    /// <summary>Builds a config from key/value pairs given on the command line.</summary>
    public static Config FromPairs(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var text = string.Join('\n', pairs.Select(p => $"{p.Key} = {Quote(p.Value)}"));
        return text.Length == 0 ? Config.Empty : ConfigurationFactory.ParseString(text);
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
