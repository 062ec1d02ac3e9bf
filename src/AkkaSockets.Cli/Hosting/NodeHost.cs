using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace AkkaSockets.Cli.Hosting;

/// <summary>
/// What every hosted node shares: Microsoft.Extensions.Logging on stderr only (one prefix per
/// line, UTC timestamps, <c>Logging__…</c> environment settings honoured), the node's own signal
/// handling, and systemd integration when systemd started the process.
/// </summary>
internal static class NodeHost
{
    /// <summary>The console formatter from <c>--log-format</c> (simple or json); null leaves it to configuration.</summary>
    public static string? LogFormat { get; set; }

    public static HostApplicationBuilder CreateBuilder()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Logging__LogLevel__Default=Debug, Logging__Console__FormatterName=json and the like.
        builder.Configuration.AddEnvironmentVariables();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddConsole();
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Services.PostConfigure<ConsoleLoggerOptions>(o =>
        {
            // stdout carries only the tutorial's lines (or a load summary); every diagnostic goes to stderr.
            o.LogToStandardErrorThreshold = LogLevel.Trace;
            o.FormatterName = LogFormat ?? o.FormatterName ?? ConsoleFormatterNames.Simple;
        });
        builder.Services.AddSingleton<IHostLifetime, NodeLifetime>();
        // Under systemd (Type=notify): readiness and stopping notifications, SIGTERM stops the host
        // (the same graceful drain), and the journal's log format. Elsewhere this adds nothing.
        builder.Services.AddSystemd();
        return builder;
    }

    /// <summary>
    /// Akka's log events go through Microsoft.Extensions.Logging, hence to stderr, as plain text
    /// under the console formatter's one prefix. A host log level set for the <c>Akka</c> or
    /// <c>AkkaSockets</c> categories (or <c>Default</c>) also sets <c>akka.loglevel</c>, which
    /// filters the events before they are even made.
    /// </summary>
    public static AkkaConfigurationBuilder LogThroughHost(this AkkaConfigurationBuilder akka, IServiceProvider services)
    {
        akka.AddSetup(new HostLoggerSetup(services.GetRequiredService<ILoggerFactory>()));
        akka.ConfigureLoggers(loggers =>
        {
            loggers.ClearLoggers();
            loggers.AddLogger<HostLogger>();
        });
        if (ConfiguredLevel(services.GetRequiredService<IConfiguration>()) is { } level)
            akka.AddHocon($"akka.loglevel = {HostLogger.ToAkkaLevel(level)}", HoconAddMode.Prepend);
        return akka;
    }

    private static LogLevel? ConfiguredLevel(IConfiguration configuration)
    {
        LogLevel? lowest = null;
        foreach (var category in new[] { "Default", "Akka", "AkkaSockets" })
        {
            if (Enum.TryParse<LogLevel>(configuration[$"Logging:LogLevel:{category}"], ignoreCase: true, out var level)
                && (lowest is null || level < lowest))
                lowest = level;
        }

        return lowest;
    }
}
