using Akka.Event;

namespace AkkaSockets.Actors.Diagnostics;

/// <summary>
/// Akka's fallback logger (<c>akka.stdout-logger-class</c>), used before the host's logger starts
/// and again while the actor system shuts down ("Shutting down: StandardOutLogger started"). The
/// default writes to stdout, which is the tutorial's; this writes the same lines to stderr, and
/// leaves out Akka's debug chatter about its own loggers starting and stopping.
/// </summary>
public sealed class StderrLogger : MinimalLogger
{
    protected override void Log(object message)
    {
        if (message is LogEvent log && log.LogLevel() != LogLevel.DebugLevel)
            Console.Error.WriteLine(log.ToString());
    }
}
