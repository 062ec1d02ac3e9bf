using System.CommandLine;
using Akka;
using Akka.Actor;
using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Client.Distributed;
using AkkaSockets.Actors.Cluster;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Cli.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AkkaSockets.Cli.Commands;

/// <summary>
/// <c>akkasockets load-worker [--seed HOST:PORT]</c>: a cluster member of role <c>load-worker</c>
/// that runs its share of every <c>load --workers N</c> run it is given, until Ctrl+C or SIGTERM;
/// then it ends any share still running (sending what it measured) and leaves the cluster.
/// </summary>
public static class LoadWorkerCommand
{
    /// <summary>How long a stopping worker waits for its running shares to send their results.</summary>
    private static readonly TimeSpan EndSharesTimeout = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var command = new Command(
            "load-worker",
            "Join a cluster as a load worker and run shares of `load --workers N` runs, one run after another, " +
            "until Ctrl+C or SIGTERM; then end any running share (its result still reaches the coordinator) and leave.");
        var cluster = new ClusterFlags();
        cluster.AddTo(command);
        var config = new Option<string>("--config") { Description = "HOCON file layered over the embedded defaults." };
        command.Add(config);

        command.SetAction(async (parse, _) =>
        {
            ClusterSettings settings;
            Akka.Configuration.Config composed;
            try
            {
                composed = cluster.Layer(parse, enable: true)
                    .WithFallback(HoconDefaults.Compose(Akka.Configuration.Config.Empty, parse.GetValue(config), "common", "client", "cluster"));
                // Without a seed the worker starts a cluster of its own; the others name it as their seed.
                settings = ClusterSettings.FromConfig(composed);
            }
            catch (SettingsException e)
            {
                await Console.Error.WriteLineAsync($"akkasockets load-worker: {cluster.Describe(e, parse) ?? e.Message}");
                return ExitCodes.Usage;
            }

            return await RunAsync(ClusterNode.Configure(settings, ClusterNode.LoadWorkerRole, composed), settings);
        });
        return command;
    }

    private static async Task<int> RunAsync(Akka.Configuration.Config config, ClusterSettings settings)
    {
        using var metrics = new LoadMetrics();
        using var host = ClusterHosting.BuildNode(config, settings, (system, _) =>
        {
            var worker = system.ActorOf(LoadWorkerActor.Props(metrics), LoadWorkerPath.Name);
            // Before the node leaves: running shares end and send their results to their coordinators.
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "end-load-shares", async () =>
            {
                try
                {
                    await worker.Ask<SharesEnded>(EndShares.Instance, EndSharesTimeout);
                }
                catch (AskTimeoutException)
                {
                    // Their coordinators count what is missing as lost.
                }

                return Done.Instance;
            });
        });
        var stdout = Console.Out;
        try
        {
            Console.SetOut(TextWriter.Null);
            await host.StartAsync();
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"akkasockets load-worker: cannot start: {e.GetBaseException().Message.Split('\n')[0].Trim()}");
            return ExitCodes.Usage;
        }
        finally
        {
            Console.SetOut(stdout);
        }

        var system = host.Services.GetRequiredService<ActorSystem>();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        // A downed node's actor system stops by itself: end the host too.
        _ = system.WhenTerminated.ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
        var seeds = string.Join(", ", ClusterNode.SeedAddresses(settings, system));
        await Console.Error.WriteLineAsync(
            $"Cluster node {Akka.Cluster.Cluster.Get(system).SelfAddress} (role {ClusterNode.LoadWorkerRole}), joining {seeds}; waiting for work");
        await host.WaitForShutdownAsync();
        if (ClusterHosting.RemovedLine(system) is { } removed)
        {
            await Console.Error.WriteLineAsync(removed);
            return ExitCodes.RemovedFromCluster;
        }

        return ExitCodes.Ok;
    }
}
