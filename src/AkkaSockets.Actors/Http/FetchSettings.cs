using Akka.Configuration;
using AkkaSockets.Actors.Configuration;

namespace AkkaSockets.Actors.Http;

/// <summary>The <c>akkasockets.fetch</c> section, read and validated once at start-up.</summary>
public sealed record FetchSettings
{
    public const string Section = "akkasockets.fetch";

    public required TimeSpan ConnectTimeout { get; init; }

    public required TimeSpan IdleTimeout { get; init; }

    public required int MaxRedirects { get; init; }

    public required int MaxHeadBytes { get; init; }

    /// <summary>Largest single read from the connection: one stream element, one file write.</summary>
    public required int ReadBytes { get; init; }

    public static FetchSettings Default => FromConfig(HoconDefaults.Embedded("fetch"));

    public static FetchSettings FromConfig(Config root)
    {
        var r = new SettingsReader(root, Section);
        return new FetchSettings
        {
            IdleTimeout = r.Duration("idle-timeout", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)),
            ConnectTimeout = r.Duration("connect-timeout", TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1)),
            MaxRedirects = r.WholeNumber("max-redirects", 0, 100),
            MaxHeadBytes = r.Bytes("max-head-bytes", 1024, 1024 * 1024),
            ReadBytes = r.Bytes("read-bytes", 1024, 16 * 1024 * 1024),
        };
    }
}
