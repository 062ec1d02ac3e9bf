using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AkkaSockets.Cli.Hosting;

/// <summary>
/// The client node (one session, or a load run): a generic host running one actor system;
/// <paramref name="start"/> creates the actors once the system is up.
/// </summary>
public static class ClientNode
{
    public static IHost Build(Config config, Action<ActorSystem, IActorRegistry> start)
    {
        var builder = NodeHost.CreateBuilder();
        builder.Services.AddAkka("akkasockets-client", (akka, services) =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend);
            akka.LogThroughHost(services);
            akka.WithActors(start);
        });

        return builder.Build();
    }
}
