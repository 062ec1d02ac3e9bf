using System.Net;
using Akka.Actor;
using AkkaSockets.Actors.Client;
using AkkaSockets.Protocol.Framing;
using AkkaSockets.Actors.Server;
using AkkaSockets.Actors.Transport;

namespace AkkaSockets.Actors.Tests.Client;

/// <summary>Builders shared by the client specs: sessions against loopback, and the project's server on port 0.</summary>
internal static class ClientTestKit
{
    public static readonly string[] TutorialNames = ["Michael", "Tracy", "Sarah"];

    public static ClientSession Session(
        int port, TimeSpan? timeout = null, string[]? names = null, bool reportEachStep = true, TransportKind transport = TransportKind.Direct) =>
        Session(new IPEndPoint(IPAddress.Loopback, port), timeout, names, reportEachStep, transport);

    public static ClientSession Session(
        EndPoint remote, TimeSpan? timeout = null, string[]? names = null, bool reportEachStep = true, TransportKind transport = TransportKind.Direct) =>
        new(remote, new GreetingScript(names ?? TutorialNames, FramingMode.Chunk), timeout ?? TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), reportEachStep, Transports.For(transport));

    /// <summary>Starts the project's greeting server on a free loopback port and returns that port.</summary>
    public static int StartServer(ActorSystem system, TimeSpan delay, int maxConnections = 10_000, FramingMode framing = FramingMode.Chunk)
    {
        var settings = ServerSettings.Default with { Port = 0, ReplyDelay = delay, MaxConnections = maxConnections, Framing = framing };
        var server = system.ActorOf(GreetingServerActor.Props(settings, new IPEndPoint(IPAddress.Loopback, 0)));
        var bound = server.Ask<object>(AwaitBound.Instance, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        return bound is ServerBound { LocalAddress: IPEndPoint ip }
            ? ip.Port
            : throw new InvalidOperationException($"the test server did not bind: {bound}");
    }
}
