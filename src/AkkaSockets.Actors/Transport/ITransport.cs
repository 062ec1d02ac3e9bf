using System.Net;
using Akka.Actor;

namespace AkkaSockets.Actors.Transport;

/// <summary>
/// How connections reach an actor, in the shape of Kestrel's transports: a listener factory
/// (<see cref="Listener"/>) whose listener hands its handler one <see cref="ConnectionAccepted"/>
/// per client, and a connector (<see cref="Connect"/>) whose outcome is a port too. Everything
/// above this folder sees <see cref="IConnectionPort"/> and these messages, never the transport.
/// Made by <see cref="Transports.For"/>.
/// </summary>
public interface ITransport
{
    /// <summary>
    /// False when a listener's death takes its accepted connections with it (Akka.IO's are its
    /// children); true when they own their sockets and outlive it.
    /// </summary>
    bool ConnectionsOutliveListener { get; }

    /// <summary>
    /// A listener actor bound to <paramref name="address"/> (<c>::</c> is dual-stack). It speaks
    /// to <paramref name="handler"/> as Akka.IO's listener does (<see cref="Akka.IO.Tcp.Bound"/>,
    /// or <see cref="Akka.IO.Tcp.CommandFailed"/> and stop; <see cref="Akka.IO.Tcp.Unbind"/>
    /// answered with <see cref="Akka.IO.Tcp.Unbound"/>), except that each client arrives as a
    /// <see cref="ConnectionAccepted"/> whose port reads in pull mode, at most
    /// <paramref name="readBytes"/> per read. The handler should watch it: it stops if its socket dies.
    /// With <paramref name="reusePort"/> the socket is bound with SO_REUSEPORT, so several
    /// processes may listen on one port and the kernel spreads connections among them.
    /// With <paramref name="policy"/>, a listener that can write on a fresh socket admits or refuses
    /// each client itself (<see cref="IAcceptPolicy"/>); one that cannot ignores it.
    /// </summary>
    Props Listener(IActorRef handler, IPEndPoint address, int backlog, int readBytes, bool reusePort = false, IAcceptPolicy? policy = null);

    /// <summary>
    /// Starts connecting to <paramref name="remote"/> for <paramref name="owner"/>. The owner
    /// passes what it receives to <see cref="IPendingConnect.TryComplete"/> until one message
    /// completes it; the port it then gets pushes reads (no pull mode), at most
    /// <paramref name="readBytes"/> each where the transport lets us choose.
    /// </summary>
    /// <exception cref="System.Net.Sockets.SocketException">The connect could not even start.</exception>
    IPendingConnect Connect(ActorSystem system, EndPoint remote, IActorRef owner, int readBytes);
}

/// <summary>An outgoing connect that has not finished; owned by one actor and used on its thread.</summary>
public interface IPendingConnect
{
    /// <summary>
    /// True when <paramref name="message"/> (from <paramref name="sender"/>) is this connect's
    /// outcome; then <paramref name="outcome"/> holds the port, or the failure.
    /// </summary>
    bool TryComplete(object message, IActorRef sender, out ConnectOutcome outcome);

    /// <summary>The owner stops before the outcome: whatever the connect opens is let go.</summary>
    void Abandon();
}

/// <summary>How a connect ended: a port and the remote address, or the failure (its cause, when the transport gives one).</summary>
public readonly record struct ConnectOutcome(IConnectionPort? Port, EndPoint? Remote, Exception? Failure)
{
    public static ConnectOutcome Failed(Exception? cause) => new(null, null, cause);
}

/// <summary>
/// A listener accepted a client; the receiver owns the port (reject or register it). With
/// <paramref name="Admitted"/> the listener's <see cref="IAcceptPolicy"/> has already admitted it
/// and written its welcome: register it, never reject it.
/// </summary>
public sealed record ConnectionAccepted(IConnectionPort Port, EndPoint Remote, bool Admitted = false);
