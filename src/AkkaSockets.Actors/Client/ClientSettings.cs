using System.Collections.Immutable;
using System.Text;
using Akka.Configuration;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Protocol.Framing;
using AkkaSockets.Protocol.Greeting;
using AkkaSockets.Actors.Transport;

namespace AkkaSockets.Actors.Client;

/// <summary>The <c>akkasockets.client</c> section, read and validated once at start-up.</summary>
public sealed record ClientSettings
{
    public const string Section = "akkasockets.client";

    /// <summary>
    /// The server reads at most this many bytes as one message (the tutorial's recv(1024)); a
    /// longer name would come back as several replies.
    /// </summary>
    public const int MaxNameBytes = 1024;

    public required string Host { get; init; }

    public required int Port { get; init; }

    public required TimeSpan Timeout { get; init; }

    public required TimeSpan ConnectTimeout { get; init; }

    public required ImmutableArray<string> Names { get; init; }

    public required FramingMode Framing { get; init; }

    public required TransportKind Transport { get; init; }

    public required LoadSettings Load { get; init; }

    public static ClientSettings Default => FromConfig(HoconDefaults.Embedded("client"));

    public static ClientSettings FromConfig(Config root)
    {
        var r = new SettingsReader(root, Section);
        var settings = new ClientSettings
        {
            Host = r.Text("host"),
            Port = r.WholeNumber("port", 1, 65535),
            Timeout = r.Duration("timeout", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)),
            ConnectTimeout = r.Duration("connect-timeout", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)),
            Names = ReadNames(root, r),
            Framing = r.Enum<FramingMode>("framing"),
            Transport = r.Enum<TransportKind>("transport"),
            Load = LoadSettings.FromConfig(root),
        };
        return settings with { Names = ValidateNames(settings.Names, r.Key("names"), settings.Framing) };
    }

    /// <summary>Checks names given on the command line (or in the file) under the given label.</summary>
    public static ImmutableArray<string> ValidateNames(IEnumerable<string> names, string label, FramingMode framing)
    {
        var list = names.ToImmutableArray();
        if (list.IsEmpty)
            throw new SettingsException(label, "needs at least one name");
        foreach (var name in list)
        {
            var bytes = Encoding.UTF8.GetByteCount(name);
            if (bytes == 0)
                throw new SettingsException(label, "a name must not be empty");
            if (bytes > MaxNameBytes)
                throw new SettingsException(label, $"a name is at most {MaxNameBytes} bytes of UTF-8 ('{name[..16]}…' is {bytes})");
            // The server would take it as the end of the session, not a name.
            if (GreetingProtocol.IsExit(Encoding.UTF8.GetBytes(name)))
                throw new SettingsException(label, "'exit' ends the session; it cannot be a name");
            if (framing == FramingMode.Line && name.AsSpan().IndexOfAny('\r', '\n') >= 0)
                throw new SettingsException(label, "in line framing a name cannot contain a line break");
        }

        return list;
    }

    private static ImmutableArray<string> ReadNames(Config root, SettingsReader r)
    {
        var key = r.Key("names");
        if (!root.HasPath(key))
            throw r.Bad("names", "is missing");
        try
        {
            return [.. root.GetStringList(key)];
        }
        catch (Exception e) when (e is not SettingsException)
        {
            throw new SettingsException($"{key}: must be a list of names, like [\"Michael\", \"Tracy\"]", e);
        }
    }
}
