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

        try
        {
            return ConfigurationFactory.ParseString(text);
        }
        catch (Exception e) when (e is not SettingsException)
        {
            throw new SettingsException($"--config {path}: not valid HOCON: {FirstLine(e.Message)}", e);
        }
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
