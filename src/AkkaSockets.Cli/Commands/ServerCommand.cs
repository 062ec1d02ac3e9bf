using System.CommandLine;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Hosting;
using AkkaSockets.Cli.Hosting;
using AkkaSockets.Actors.Cluster;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Actors.Server;
using AkkaSockets.Actors.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AkkaSockets.Cli.Commands;

public static class ServerCommand
{
    private static readonly TimeSpan BindTimeout = TimeSpan.FromSeconds(15);

    public static Command Create()
    {
        var flags = new FlagConfig();
        var command = new Command("server", "Run the greeting server node.");
        var config = new Option<string>("--config") { Description = "HOCON file layered over the embedded defaults." };
        var quiet = new Option<bool>("--quiet") { Description = "Do not print a line per connection (for load)." };
        command.Add(flags.Add("--host", "akkasockets.server.host", "Address or host name to bind; :: is dual-stack. [127.0.0.1]"));
        command.Add(flags.Add("--port", "akkasockets.server.port", "Port to bind; 0 picks a free one. [9999]"));
        command.Add(config);
        command.Add(flags.Add("--delay", "akkasockets.server.reply-delay", "Pause before each reply. [1s]"));
        command.Add(flags.Add("--framing", "akkasockets.server.framing", "chunk (one read is one message) or line. [chunk]"));
        command.Add(flags.Add("--max-connections", "akkasockets.server.max-connections", "Connections over this get 'Server busy'. [10000]"));
        command.Add(flags.Add("--idle-timeout", "akkasockets.server.idle-timeout", "Close silent connections after this; 'off' disables. [5m]"));
        command.Add(flags.Add("--transport", "akkasockets.server.transport", "direct (the connection actor owns its socket) or akka-io. [direct]"));
        command.Add(quiet);
        var cluster = new ClusterFlags();
        cluster.AddTo(command);
        var reusePort = new Option<bool>("--reuse-port")
        {
            Description = "SO_REUSEPORT: several server processes share the port (Linux).",
        };
        command.Add(reusePort);

        command.SetAction(async (parse, cancellationToken) =>
        {
            ServerSettings settings;
            Akka.Configuration.Config composed;
            ClusterSettings? clusterSettings;
            try
            {
                var layer = cluster.Layer(parse, enable: cluster.Given(parse));
                if (parse.GetValue(reusePort))
                    layer = layer.WithFallback(Akka.Configuration.ConfigurationFactory.ParseString("akkasockets.server.reuse-port = on"));
                composed = layer.WithFallback(flags.Compose(parse, parse.GetValue(config), "common", "server"));
                settings = ServerSettings.FromConfig(composed);
                (composed, clusterSettings) = WithCluster(layer, composed, parse, flags, config);
            }
            catch (SettingsException e)
            {
                await Console.Error.WriteLineAsync($"akkasockets server: {cluster.Describe(e, parse) ?? flags.Describe(e, parse)}");
                return ExitCodes.Usage;
            }

            System.Net.IPEndPoint bindAddress;
            try
            {
                bindAddress = await EndPoints.ResolveBindAsync(settings.Host, settings.Port, cancellationToken);
            }
            catch (SocketException e)
            {
                await Console.Error.WriteLineAsync($"Cannot listen on {settings.Host}:{settings.Port}: cannot resolve host ({e.Message})");
                return ExitCodes.CannotListen;
            }

            return await RunAsync(composed, settings, bindAddress, parse.GetValue(quiet), clusterSettings);
        });
        return command;
    }

    /// <summary>
    /// With cluster mode on (a flag, or enabled in the file): the cluster defaults and this node's
    /// address under the server's configuration. Off: unchanged, and no remoting starts.
    /// </summary>
    private static (Akka.Configuration.Config Config, ClusterSettings? Cluster) WithCluster(
        Akka.Configuration.Config layer, Akka.Configuration.Config composed, ParseResult parse, FlagConfig flags, Option<string> config)
    {
        var withCluster = layer.WithFallback(flags.Compose(parse, parse.GetValue(config), "common", "server", "cluster"));
        var settings = ClusterSettings.FromConfig(withCluster);
        return settings.Enabled
            ? (ClusterNode.Configure(settings, ClusterNode.ServerRole, withCluster), settings)
            : (composed, null);
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e;
    }

    private static async Task<int> RunAsync(
        Akka.Configuration.Config config, ServerSettings settings, System.Net.IPEndPoint bindAddress, bool quiet, ClusterSettings? cluster)
    {
        var stdout = Console.Out;
        using var host = ServerNode.Build(config, settings, bindAddress, stdout, quiet, cluster);
        try
        {
            // Akka.Hosting reports a failed start on the console: keep stdout for the tutorial's lines.
            Console.SetOut(TextWriter.Null);
            await host.StartAsync();
        }
        catch (Exception e)
        {
            // Akka refuses some settings only when the actor system starts (e.g. a bad akka.* key).
            await Console.Error.WriteLineAsync($"akkasockets server: cannot start: {FirstLine(Innermost(e).Message)}");
            return ExitCodes.Usage;
        }
        finally
        {
            Console.SetOut(stdout);
        }

        var server = host.Services.GetRequiredService<ActorRegistry>().Get<GreetingServerActor>();
        object result;
        try
        {
            result = await server.Ask<object>(AwaitBound.Instance, BindTimeout);
        }
        catch (AskTimeoutException)
        {
            result = new BindFailed(bindAddress, "timed out waiting for the bind");
        }

        if (result is BindFailed failed)
        {
            await Console.Error.WriteLineAsync($"Cannot listen on {EndPoints.Format(failed.Address)}: {failed.Reason}");
            await host.StopAsync();
            return ExitCodes.CannotListen;
        }

        // A downed cluster node's actor system stops by itself (after draining): end the host too.
        var system = host.Services.GetRequiredService<ActorSystem>();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        _ = system.WhenTerminated.ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);

        await host.WaitForShutdownAsync();
        if (cluster is not null && ClusterHosting.RemovedLine(system) is { } removed)
        {
            await Console.Error.WriteLineAsync(removed);
            return ExitCodes.RemovedFromCluster;
        }

        return ExitCodes.Ok;
    }
}
