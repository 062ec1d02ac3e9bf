using System.Globalization;
using System.Net;
using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using AkkaSockets.Actors.Cluster;
using AkkaSockets.Cli.Rendering;
using AkkaSockets.Actors.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AkkaSockets.Cli.Hosting;

/// <summary>
/// The server node: a generic host running one actor system with the greeting listener, the
/// console renderer, and CoordinatedShutdown tasks that unbind and then drain.
/// </summary>
public static class ServerNode
{
    private static readonly TimeSpan UnbindTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(5);

    public static IHost Build(Config config, ServerSettings settings, IPEndPoint bindAddress, TextWriter output, bool quiet, ClusterSettings? cluster = null)
    {
        var builder = NodeHost.CreateBuilder();
        // A failed start is reported once, as one line, by the command itself.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Logging.AddFilter("Akka.Hosting", LogLevel.None);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.DrainTimeout + TimeSpan.FromSeconds(30));

        var drainPhase = (settings.DrainTimeout + TimeSpan.FromSeconds(5)).TotalSeconds.ToString(CultureInfo.InvariantCulture);
        var shutdown = ConfigurationFactory.ParseString(
            $"akka.coordinated-shutdown.phases.service-requests-done.timeout = {drainPhase}s");

        builder.Services.AddAkka("akkasockets", (akka, _) =>
        {
            akka.AddHocon(shutdown.WithFallback(config), HoconAddMode.Prepend);
            akka.LogThroughHost();
            akka.WithActors((system, registry) =>
            {
                // The renderer subscribes before the listener exists, so no accept line is missed.
                var console = system.ActorOf(ServerConsoleActor.Props(output, quiet), "console");
                // Subscribed here, not only in its PreStart: actors start asynchronously, and on a busy
                // host the listener can bind before the renderer has started, losing the first lines.
                system.EventStream.Subscribe(console, typeof(ServerBound));
                var server = system.ActorOf(GreetingServerActor.Props(settings, bindAddress), "greeting-server");
                registry.Register<GreetingServerActor>(server);
                AddShutdownTasks(system, server, console, settings);
            });
            if (cluster is not null)
                akka.JoinAsServer(cluster);
        });

        return builder.Build();
    }

    private static void AddShutdownTasks(ActorSystem system, IActorRef server, IActorRef console, ServerSettings settings)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "stop-accepting", async () =>
        {
            await server.Ask<AcceptingStopped>(StopAccepting.Instance, UnbindTimeout).ConfigureAwait(false);
            return Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "drain-connections", async () =>
        {
            await server.Ask<ConnectionsDrained>(DrainConnections.Instance, settings.DrainTimeout + TimeSpan.FromSeconds(2))
                .ConfigureAwait(false);
            return Done.Instance;
        });
        // The drained connections' close lines are still in the console actor's mailbox; stopping
        // the system would drop them (a stop overtakes queued messages), so let it catch up first.
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "flush-console", async () =>
        {
            await console.Ask<Done>(ServerConsoleActor.Flush.Instance, FlushTimeout).ConfigureAwait(false);
            return Done.Instance;
        });
    }
}
