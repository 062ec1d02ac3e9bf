using Akka.Configuration;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Protocol.Framing;
using AkkaSockets.Actors.Transport;

namespace AkkaSockets.Actors.Server;

/// <summary>The <c>akkasockets.server</c> section, read and validated once at start-up.</summary>
public sealed record ServerSettings
{
    public const string Section = "akkasockets.server";

    public required string Host { get; init; }

    public required int Port { get; init; }

    public required TimeSpan ReplyDelay { get; init; }

    public required FramingMode Framing { get; init; }

    public required int MaxFrameBytes { get; init; }

    public required int MaxPendingMessages { get; init; }

    /// <summary>Null when the idle timeout is off.</summary>
    public required TimeSpan? IdleTimeout { get; init; }

    public required int MaxConnections { get; init; }

    public required TimeSpan DrainTimeout { get; init; }

    public required int Backlog { get; init; }

    public required TransportKind Transport { get; init; }

    /// <summary>SO_REUSEPORT on the listening socket: several server processes share one port.</summary>
    public required bool ReusePort { get; init; }

    /// <summary>The most one read takes from the socket (also its buffer size while reading).</summary>
    public required int ReadBytes { get; init; }

    public static ServerSettings Default => FromConfig(HoconDefaults.Embedded("server"));

    public static ServerSettings FromConfig(Config root)
    {
        var r = new SettingsReader(root, Section);
        return new ServerSettings
        {
            Host = r.Text("host"),
            Port = r.WholeNumber("port", 0, 65535),
            ReplyDelay = r.Duration("reply-delay", TimeSpan.Zero, TimeSpan.FromHours(1)),
            Framing = r.Enum<FramingMode>("framing"),
            MaxFrameBytes = r.Bytes("max-frame-bytes", FrameDecoders.MinFrameBytes, 1024 * 1024),
            MaxPendingMessages = r.WholeNumber("max-pending-messages", 1, 100_000),
            IdleTimeout = r.OptionalDuration("idle-timeout", TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(7)),
            MaxConnections = r.WholeNumber("max-connections", 1, 1_000_000),
            DrainTimeout = r.Duration("drain-timeout", TimeSpan.Zero, TimeSpan.FromHours(1)),
            Backlog = r.WholeNumber("backlog", 1, 65535),
            Transport = r.Enum<TransportKind>("transport"),
            ReusePort = r.Switch("reuse-port"),
            ReadBytes = r.Bytes("read-bytes", 1, 1024 * 1024),
        };
    }
}
