using System.Globalization;
using Akka.Configuration;

namespace AkkaSockets.Actors.Configuration;

/// <summary>Reads one HOCON section, failing with the full key name and the reason.</summary>
public sealed class SettingsReader
{
    private readonly Config _config;
    private readonly string _section;

    public SettingsReader(Config root, string section)
    {
        _section = section;
        _config = root.HasPath(section) ? root.GetConfig(section) : Config.Empty;
    }

    public string Key(string name) => $"{_section}.{name}";

    public string Text(string name)
    {
        var value = Raw(name);
        if (string.IsNullOrWhiteSpace(value))
            throw Bad(name, "must not be empty");
        return value.Trim();
    }

    public int WholeNumber(string name, int min, int max)
    {
        var text = Text(name);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw Bad(name, $"'{text}' is not a whole number");
        if (value < min || value > max)
            throw Bad(name, $"{value} is out of range ({min} to {max})");
        return value;
    }

    /// <summary>A size such as 1024, 4k or 1m, in bytes.</summary>
    public int Bytes(string name, int min, int max)
    {
        var text = Text(name);
        if (!Units.TryParseBytes(text, out var value))
            throw Bad(name, $"'{text}' is not a size (like 1024, 4k, 1m)");
        if (value < min || value > max)
            throw Bad(name, $"{value} bytes is out of range ({min} to {max})");
        return (int)value;
    }

    public TimeSpan Duration(string name, TimeSpan min, TimeSpan max)
    {
        var text = Text(name);
        if (!Units.TryParseDuration(text, out var value))
            throw Bad(name, $"'{text}' is not a duration (like 1s, 250ms, 5m)");
        if (value < min || value > max)
            throw Bad(name, $"{text} is out of range ({Units.Format(min)} to {Units.Format(max)})");
        return value;
    }

    /// <summary>A duration, or null for <c>off</c>.</summary>
    public TimeSpan? OptionalDuration(string name, TimeSpan min, TimeSpan max)
    {
        var text = Text(name);
        return text.Equals("off", StringComparison.OrdinalIgnoreCase) || text.Equals("false", StringComparison.OrdinalIgnoreCase)
            ? null
            : Duration(name, min, max);
    }

    /// <summary>on/off (also true/false, yes/no).</summary>
    public bool Switch(string name) => Text(name).ToLowerInvariant() switch
    {
        "on" or "true" or "yes" => true,
        "off" or "false" or "no" => false,
        var text => throw Bad(name, $"'{text}' is not on or off"),
    };

    public TEnum Enum<TEnum>(string name)
        where TEnum : struct, Enum
    {
        var text = Text(name);
        foreach (var value in System.Enum.GetValues<TEnum>())
        {
            if (string.Equals(text, Kebab(value.ToString()), StringComparison.OrdinalIgnoreCase))
                return value;
        }

        var allowed = string.Join(", ", System.Enum.GetNames<TEnum>().Select(Kebab));
        throw Bad(name, $"'{text}' is not one of {allowed}");
    }

    /// <summary>How an enum value is spelled in HOCON and on the command line: <c>AkkaIo</c> is <c>akka-io</c>.</summary>
    public static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public SettingsException Bad(string name, string reason) => new(Key(name), reason);

    private string? Raw(string name)
    {
        if (!_config.HasPath(name))
            throw Bad(name, "is missing");
        try
        {
            return _config.GetString(name);
        }
        catch (Exception e) when (e is not SettingsException)
        {
            throw new SettingsException($"{Key(name)}: must be a single value", e);
        }
    }
}
