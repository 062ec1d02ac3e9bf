using System.Net;
using Akka.Actor;
using Akka.IO;

namespace AkkaSockets.Actors.Transport;

/// <summary>
/// Akka.IO's TCP: its connection actor sits in front of each socket (two actors per
/// connection), and its listener's death takes the accepted connections with it.
/// </summary>
internal sealed class AkkaIoTransport : ITransport
{
    public static readonly AkkaIoTransport Instance = new();

    private AkkaIoTransport()
    {
    }

    public bool ConnectionsOutliveListener => false;

    // Akka.IO reads up to its own maximum-frame-size. Its connection actor cannot write before it
    // is registered, so the accept policy is left to the handler.
    public Props Listener(IActorRef handler, IPEndPoint address, int backlog, int readBytes, bool reusePort = false, IAcceptPolicy? policy = null) =>
        AkkaIoListenerActor.Props(handler, address, backlog, reusePort);

    public IPendingConnect Connect(ActorSystem system, EndPoint remote, IActorRef owner, int readBytes)
    {
        // The outgoing connection watches the owner (the command's sender) and dies with it.
        system.Tcp().Tell(new Tcp.Connect(remote), owner);
        return PendingConnect.Instance;
    }

    /// <summary>Akka.IO answers the owner itself; this only reads that answer. Holds no state.</summary>
    private sealed class PendingConnect : IPendingConnect
    {
        public static readonly PendingConnect Instance = new();

        public bool TryComplete(object message, IActorRef sender, out ConnectOutcome outcome)
        {
            switch (message)
            {
                case Tcp.Connected connected:
                    // Not watched: Akka.IO always sends a ConnectionClosed event, and watching would
                    // cost every session two system messages and watch-set updates on both sides.
                    outcome = new ConnectOutcome(new AkkaIoPort(sender), connected.RemoteAddress, null);
                    return true;
                case Tcp.CommandFailed failed:
                    outcome = ConnectOutcome.Failed(failed.Cause.HasValue ? failed.Cause.Value : null);
                    return true;
                default:
                    outcome = default;
                    return false;
            }
        }

        public void Abandon()
        {
            // Nothing to let go: the connection actor dies with its owner.
        }
    }
}
