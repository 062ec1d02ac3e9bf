using System.Globalization;
using System.Net;
using Akka.Configuration;
using AkkaSockets.Actors.Configuration;

namespace AkkaSockets.Actors.Cluster;

/// <summary>The <c>akkasockets.cluster</c> section, read and validated once at start-up.</summary>
public sealed record ClusterSettings
{
    public const string Section = "akkasockets.cluster";

    /// <summary>Every node of one cluster runs an actor system of this name.</summary>
    public const string SystemName = "akkasockets";

    public required bool Enabled { get; init; }

    public required string Host { get; init; }

    /// <summary>The address the others reach this node at.</summary>
    public required string PublicHost { get; init; }

    public required int Port { get; init; }

    /// <summary>Seed nodes as host and cluster port; empty: this node starts a cluster.</summary>
    public required IReadOnlyList<DnsEndPoint> Seeds { get; init; }

    public required TimeSpan PublishInterval { get; init; }

    public required TimeSpan StatusTimeout { get; init; }

    public static ClusterSettings FromConfig(Config root)
    {
        var r = new SettingsReader(root, Section);
        var host = r.Text("host");
        var publicHost = root.GetString($"{Section}.public-host", "");
        return new ClusterSettings
        {
            Enabled = r.Switch("enabled"),
            Host = host,
            PublicHost = string.IsNullOrWhiteSpace(publicHost) ? host : publicHost.Trim(),
            Port = r.WholeNumber("port", 0, 65535),
            Seeds = ReadSeeds(root, r),
            PublishInterval = r.Duration("publish-interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)),
            StatusTimeout = r.Duration("status-timeout", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
        };
    }

    /// <summary><c>HOST:PORT</c>, with IPv6 literals in brackets (<c>[::1]:4053</c>).</summary>
    public static bool TryParseSeed(string text, out DnsEndPoint seed)
    {
        seed = null!;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            return false;
        var host = text[..colon].Trim();
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        else if (host.Contains(':', StringComparison.Ordinal))
            return false;
        if (host.Length == 0
            || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
            return false;
        seed = new DnsEndPoint(host, port);
        return true;
    }

    private static List<DnsEndPoint> ReadSeeds(Config root, SettingsReader r)
    {
        IList<string> texts;
        try
        {
            texts = root.GetStringList($"{Section}.seeds", []);
        }
        catch (Exception e) when (e is not SettingsException)
        {
            throw r.Bad("seeds", "must be a list of \"HOST:PORT\" strings");
        }

        var seeds = new List<DnsEndPoint>();
        foreach (var text in texts)
        {
            if (!TryParseSeed(text, out var seed))
                throw r.Bad("seeds", $"'{text}' is not HOST:PORT (a cluster port from 1 to 65535)");
            seeds.Add(seed);
        }

        return seeds;
    }
}
