using System.CommandLine;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Hosting;
using AkkaSockets.Cli.Hosting;
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
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Serve the server's metrics for Prometheus at http://HOST:PORT/metrics. [off]" };
        metricsPort.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1 or > 65535)
                r.AddError("--metrics-port: must be a port from 1 to 65535");
        });
        command.Add(flags.Add("--host", "akkasockets.server.host", "Address or host name to bind; :: is dual-stack. [127.0.0.1]"));
        command.Add(flags.Add("--port", "akkasockets.server.port", "Port to bind; 0 picks a free one. [9999]"));
        command.Add(config);
        command.Add(flags.Add("--delay", "akkasockets.server.reply-delay", "Pause before each reply. [1s]"));
        command.Add(flags.Add("--framing", "akkasockets.server.framing", "chunk (one read is one message) or line. [chunk]"));
        command.Add(flags.Add("--max-connections", "akkasockets.server.max-connections", "Connections over this get 'Server busy'. [10000]"));
        command.Add(flags.Add("--idle-timeout", "akkasockets.server.idle-timeout", "Close silent connections after this; 'off' disables. [5m]"));
        command.Add(flags.Add("--transport", "akkasockets.server.transport", "direct (the connection actor owns its socket) or akka-io. [direct]"));
        command.Add(quiet);
        command.Add(metricsPort);

        command.SetAction(async (parse, cancellationToken) =>
        {
            ServerSettings settings;
            Akka.Configuration.Config composed;
            try
            {
                composed = flags.Compose(parse, parse.GetValue(config), "common", "server");
                settings = ServerSettings.FromConfig(composed);
            }
            catch (SettingsException e)
            {
                await Console.Error.WriteLineAsync($"akkasockets server: {flags.Describe(e, parse)}");
                return ExitCodes.Usage;
            }

            System.Net.IPEndPoint bindAddress;
            try
            {
                bindAddress = await EndPoints.ResolveBindAsync(settings.Host, settings.Port, cancellationToken);
            }
            catch (SocketException e)
            {
                await Console.Error.WriteLineAsync($"akkasockets server: cannot listen on {HostPort.Format(settings.Host, settings.Port)}: cannot resolve host ({e.Message})");
                return ExitCodes.CannotListen;
            }

            return await RunAsync(composed, settings, bindAddress, parse.GetValue(quiet), parse.GetValue(metricsPort));
        });
        return command;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e;
    }

    private static async Task<int> RunAsync(
        Akka.Configuration.Config config, ServerSettings settings, System.Net.IPEndPoint bindAddress, bool quiet, int? metricsPort)
    {
        var stdout = Console.Out;
        using var host = ServerNode.Build(config, settings, bindAddress, stdout, quiet, metricsPort);
        try
        {
            // Akka.Hosting reports a failed start on the console: keep stdout for the tutorial's lines.
            Console.SetOut(TextWriter.Null);
            await host.StartAsync();
        }
        catch (Exception e) when (metricsPort is { } port && Innermost(e) is System.Net.HttpListenerException listener)
        {
            await Console.Error.WriteLineAsync($"akkasockets server: cannot serve metrics on {MetricsEndpoint.Url(settings.Host, port)}: {listener.Message}");
            return ExitCodes.CannotListen;
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
            await Console.Error.WriteLineAsync($"akkasockets server: cannot listen on {EndPoints.Format(failed.Address)}: {failed.Reason}");
            await host.StopAsync();
            return ExitCodes.CannotListen;
        }

        if (metricsPort is { } served)
            await Console.Error.WriteLineAsync($"akkasockets server: metrics at {MetricsEndpoint.Url(settings.Host, served)}");
        await host.WaitForShutdownAsync();
        return ExitCodes.Ok;
    }
}
