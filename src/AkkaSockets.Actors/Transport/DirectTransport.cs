using System.Net;
using Akka.Actor;

namespace AkkaSockets.Actors.Transport;

/// <summary>
/// Sockets owned by the actors that use them (<see cref="SocketPort"/>): one actor per
/// connection, and connections that outlive their listener.
/// </summary>
internal sealed class DirectTransport : ITransport
{
    public static readonly DirectTransport Instance = new();

    private DirectTransport()
    {
    }

    public bool ConnectionsOutliveListener => true;

    public Props Listener(IActorRef handler, IPEndPoint address, int backlog, int readBytes, bool reusePort = false, IAcceptPolicy? policy = null) =>
        SocketListenerActor.Props(Transports.Bind(handler, address, backlog, reusePort), readBytes, policy);

    public IPendingConnect Connect(ActorSystem system, EndPoint remote, IActorRef owner, int readBytes) =>
        SocketConnect.Start(remote, owner, readBytes);
}
