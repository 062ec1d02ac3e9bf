using System.CommandLine;
using Akka.Configuration;
using AkkaSockets.Actors.Configuration;

namespace AkkaSockets.Cli.Commands;

/// <summary>
/// Command-line flags as a HOCON layer over <c>--config FILE</c> and the embedded defaults, so
/// every value, whatever its source, goes through the same validation. Errors about a key a
/// flag set are reported under the flag's name.
/// </summary>
public sealed class FlagConfig
{
    private readonly List<(Option<string> Option, string Key)> _flags = [];

    public Option<string> Add(string name, string key, string description)
    {
        var option = new Option<string>(name) { Description = description };
        _flags.Add((option, key));
        return option;
    }

    public Config Compose(ParseResult parse, string? configFile, params string[] sections)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (option, key) in _flags)
        {
            if (parse.GetValue(option) is { } value)
                pairs.Add(new(key, value));
        }

        return HoconDefaults.Compose(HoconDefaults.FromPairs(pairs), configFile, sections);
    }

    /// <summary>The error line for a bad setting: the flag when a flag set it, else the key.</summary>
    public string Describe(SettingsException error, ParseResult parse)
    {
        foreach (var (option, key) in _flags)
        {
            if (error.Key == key && parse.GetValue(option) is not null)
                return $"{option.Name}: {error.Reason}";
        }

        return error.Message;
    }
}
