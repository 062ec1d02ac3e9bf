using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaSockets.Cli.Hosting;

/// <summary>
/// The client node (one session, or a load run): a generic host running one actor system;
/// <paramref name="start"/> creates the actors once the system is up.
/// </summary>
public static class ClientNode
{
    public static IHost Build(Config config, Action<ActorSystem, IActorRegistry> start)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        // stdout carries only the tutorial's lines (or the load summary); diagnostics go to stderr.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
            o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton<IHostLifetime, NodeLifetime>();

        builder.Services.AddAkka("akkasockets-client", (akka, _) =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend);
            akka.ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            akka.WithActors(start);
        });

        return builder.Build();
    }
}
