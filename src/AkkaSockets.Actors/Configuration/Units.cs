using System.Globalization;

namespace AkkaSockets.Actors.Configuration;

/// <summary>Durations (<c>250ms</c>, <c>1s</c>, <c>5m</c>, <c>1h</c>) and sizes (<c>4k</c>) as HOCON writes them.</summary>
public static class Units
{
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        var split = 0;
        while (split < text.Length && (char.IsAsciiDigit(text[split]) || text[split] == '.'))
            split++;
        if (split == 0 || !double.TryParse(text.AsSpan(0, split), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            return false;

        double? ms = text[split..].Trim().ToLowerInvariant() switch
        {
            "ms" or "milli" or "millis" or "millisecond" or "milliseconds" => number,
            "" or "s" or "second" or "seconds" => number * 1000,
            "m" or "minute" or "minutes" => number * 60_000,
            "h" or "hour" or "hours" => number * 3_600_000,
            "d" or "day" or "days" => number * 86_400_000,
            _ => null,
        };
        if (ms is null || ms > TimeSpan.MaxValue.TotalMilliseconds / 2)
            return false;
        value = TimeSpan.FromMilliseconds(ms.Value);
        return true;
    }

    public static bool TryParseBytes(string text, out long value)
    {
        value = 0;
        text = text.Trim();
        var split = 0;
        while (split < text.Length && char.IsAsciiDigit(text[split]))
            split++;
        if (split == 0 || !long.TryParse(text.AsSpan(0, split), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return false;

        long? scale = text[split..].Trim().ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "k" or "kb" or "kib" => 1024,
            "m" or "mb" or "mib" => 1024 * 1024,
            "g" or "gb" or "gib" => 1024 * 1024 * 1024,
            _ => null,
        };
        if (scale is null || number > long.MaxValue / scale)
            return false;
        value = number * scale.Value;
        return true;
    }

    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds < 1000 || value.Milliseconds != 0
            ? $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms"
            : value.TotalSeconds < 60 || value.Seconds != 0
                ? $"{value.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
                : $"{value.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m";
}
