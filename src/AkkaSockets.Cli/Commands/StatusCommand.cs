using System.CommandLine;
using Akka.Actor;
using Akka.Hosting;
using AkkaSockets.Actors.Cluster;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Cli.Hosting;
using AkkaSockets.Cli.Rendering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AkkaSockets.Cli.Commands;

/// <summary>
/// <c>akkasockets status --seed HOST:PORT</c>: joins the cluster for a moment as a <c>status</c>
/// node, prints the members and every server node's figures with their totals, then leaves.
/// </summary>
public static class StatusCommand
{
    private static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(10);

    private static readonly Akka.Configuration.Config QuietLogs =
        Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = OFF\nakka.stdout-loglevel = OFF");

    public static Command Create()
    {
        var command = new Command("status", "Show a cluster's members and its server nodes' figures.");
        var cluster = new ClusterFlags();
        cluster.AddTo(command);
        var config = new Option<string>("--config") { Description = "HOCON file layered over the embedded defaults." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object on stdout." };
        var timeout = new Option<string>("--timeout") { Description = "How long to wait for a seed and the figures. [10s]" };
        command.Add(config);
        command.Add(json);
        command.Add(timeout);

        command.SetAction(async (parse, _) =>
        {
            ClusterSettings settings;
            Akka.Configuration.Config composed;
            try
            {
                var layer = cluster.Layer(parse, enable: true);
                if (parse.GetValue(timeout) is { } t)
                    layer = HoconDefaults.FromPairs([new("akkasockets.cluster.status-timeout", t)]).WithFallback(layer);
                // The report is the output: Akka's own chatter about an unreachable seed or a member
                // leaving is not, unless a config file asks for it.
                var file = parse.GetValue(config) is { } path ? HoconDefaults.ParseFile(path) : Akka.Configuration.Config.Empty;
                composed = layer.WithFallback(file).WithFallback(QuietLogs).WithFallback(HoconDefaults.Embedded("common", "cluster"));
                settings = ClusterSettings.FromConfig(composed);
                if (settings.Seeds.Count == 0)
                    throw new SettingsException($"{cluster.Seeds.Name}: give at least one seed (HOST:PORT)");
            }
            catch (SettingsException e)
            {
                var line = e.Key == "akkasockets.cluster.status-timeout" && parse.GetValue(timeout) is not null
                    ? $"--timeout: {e.Reason}"
                    : cluster.Describe(e, parse) ?? e.Message;
                await Console.Error.WriteLineAsync($"akkasockets status: {line}");
                return ExitCodes.Usage;
            }

            var nodeConfig = ClusterNode.Configure(settings, ClusterNode.StatusRole, composed);
            return await RunAsync(nodeConfig, settings, parse.GetValue(json));
        });
        return command;
    }

    private static async Task<int> RunAsync(Akka.Configuration.Config config, ClusterSettings settings, bool json)
    {
        var stdout = Console.Out;
        using var host = ClusterHosting.BuildNode(config, settings, (system, registry) =>
            registry.Register<StatusCollectorActor>(system.ActorOf(StatusCollectorActor.Props(), "status")));
        try
        {
            Console.SetOut(TextWriter.Null);
            await host.StartAsync();
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"akkasockets status: cannot start: {e.GetBaseException().Message.Split('\n')[0].Trim()}");
            return ExitCodes.Usage;
        }
        finally
        {
            Console.SetOut(stdout);
        }

        var collector = host.Services.GetRequiredService<ActorRegistry>().Get<StatusCollectorActor>();
        var deadline = DateTimeOffset.UtcNow + settings.StatusTimeout;
        var answer = await collector.Ask<object>(new CollectStatus(deadline), settings.StatusTimeout + TimeSpan.FromSeconds(5));

        using (var leave = new CancellationTokenSource(LeaveTimeout))
        {
            try
            {
                await host.StopAsync(leave.Token);
            }
            catch (OperationCanceledException)
            {
                // Leaving is best effort: the others remove a status node that vanished anyway.
            }
        }

        if (answer is not ClusterStatus status)
        {
            var seeds = string.Join(", ", settings.Seeds.Select(s => $"{s.Host}:{s.Port}"));
            await Console.Error.WriteLineAsync(
                $"akkasockets status: no seed answered within {Units.Format(settings.StatusTimeout)} ({seeds})");
            return ExitCodes.NoSeedAnswered;
        }

        if (json)
            StatusRenderer.WriteJson(status, stdout);
        else
            StatusRenderer.WriteText(status, stdout);
        await stdout.FlushAsync();
        return ExitCodes.Ok;
    }
}
