using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace AkkaSockets.Cli.Hosting;

/// <summary>Hands the host's <see cref="ILoggerFactory"/> to <see cref="HostLogger"/>.</summary>
internal sealed class HostLoggerSetup(ILoggerFactory factory) : Setup
{
    public ILoggerFactory Factory { get; } = factory;
}

/// <summary>
/// Akka's log events into Microsoft.Extensions.Logging, as the event's text only: the console
/// formatter adds the one prefix (level, category, timestamp). Akka.Hosting's own bridge writes
/// Akka's bracketed prefix into the message as well, which gave every line two prefixes. The
/// category is the class that logged, so <c>Logging__LogLevel__AkkaSockets=Debug</c> works.
/// </summary>
internal sealed class HostLogger : ActorBase, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _factory;
    private readonly Dictionary<Type, ILogger> _loggers = [];

    public HostLogger() =>
        _factory = Context.System.Settings.Setup.Get<HostLoggerSetup>().Value?.Factory
            ?? throw new InvalidOperationException($"{nameof(HostLoggerSetup)} is missing from the actor system's setup");

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                return true;
            case LogEvent log:
                Write(log);
                return true;
            default:
                return false;
        }
    }

    private void Write(LogEvent log)
    {
        if (!_loggers.TryGetValue(log.LogClass, out var logger))
        {
            logger = _factory.CreateLogger(log.LogClass.FullName ?? log.LogClass.Name);
            _loggers.Add(log.LogClass, logger);
        }

        var level = ToHostLevel(log.LogLevel());
        if (logger.IsEnabled(level))
            logger.Log(level, default, log.Message?.ToString() ?? string.Empty, log.Cause, static (text, _) => text);
    }

    public static LogLevel ToHostLevel(AkkaLogLevel level) => level switch
    {
        AkkaLogLevel.DebugLevel => LogLevel.Debug,
        AkkaLogLevel.InfoLevel => LogLevel.Information,
        AkkaLogLevel.WarningLevel => LogLevel.Warning,
        _ => LogLevel.Error,
    };

    /// <summary>The <c>akka.loglevel</c> that lets through what the host's filter asks for.</summary>
    public static string ToAkkaLevel(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error or LogLevel.Critical => "ERROR",
        _ => "OFF",
    };
}
