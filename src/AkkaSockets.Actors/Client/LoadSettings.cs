using Akka.Configuration;
using AkkaSockets.Actors.Configuration;

namespace AkkaSockets.Actors.Client;

/// <summary>The <c>akkasockets.client.load</c> section.</summary>
public sealed record LoadSettings
{
    public const string Section = ClientSettings.Section + ".load";

    public required int Connections { get; init; }

    /// <summary>Sessions in all; null when the run is bounded by <see cref="Duration"/> alone.</summary>
    public required int? Sessions { get; init; }

    /// <summary>Connections started per second; null starts them all at once.</summary>
    public required int? Ramp { get; init; }

    /// <summary>
    /// Keep starting sessions for this long (k6's and wrk's <c>-d</c>); sessions already running
    /// then finish. Null: run until <see cref="Sessions"/> have ended.
    /// </summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Hard cap on the whole run: unfinished sessions are cancelled. Null: none.</summary>
    public TimeSpan? MaxDuration { get; init; }

    /// <summary>Pause between a reply and the next name.</summary>
    public TimeSpan Think { get; init; }

    public required TimeSpan ExpectDelay { get; init; }

    public required TimeSpan ProgressInterval { get; init; }

    public static LoadSettings FromConfig(Config root)
    {
        var load = new SettingsReader(root, Section);
        var connections = load.WholeNumber("connections", 1, 1_000_000);
        var sessions = load.WholeNumber("sessions", 0, 100_000_000);
        var ramp = load.Text("ramp");
        var duration = load.OptionalDuration("duration", TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
        return new LoadSettings
        {
            Connections = connections,
            // 0: as many as connections, or, with a duration, as many as fit in it.
            Sessions = sessions > 0 ? sessions : duration is null ? connections : null,
            Ramp = ramp.Equals("off", StringComparison.OrdinalIgnoreCase) || ramp == "0"
                ? null
                : load.WholeNumber("ramp", 1, 1_000_000),
            Duration = duration,
            MaxDuration = load.OptionalDuration("max-duration", TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(7)),
            Think = load.Duration("think", TimeSpan.Zero, TimeSpan.FromHours(1)),
            ExpectDelay = load.Duration("expect-delay", TimeSpan.Zero, TimeSpan.FromHours(1)),
            ProgressInterval = load.Duration("progress-interval", TimeSpan.FromMilliseconds(50), TimeSpan.FromHours(1)),
        };
    }
}
