using Akka.Actor;
using Akka.IO;

namespace AkkaSockets.Actors.Transport;

/// <summary>
/// What a connection or session actor needs from its transport. Commands are Akka.IO's, and so
/// are the events that come back to the handler as messages: <see cref="Tcp.Received"/>,
/// the write's own ack, <see cref="Tcp.PeerClosed"/>, <see cref="Tcp.Closed"/> and
/// <see cref="Tcp.ErrorClosed"/>. Behind it is either Akka.IO's connection actor
/// (<see cref="AkkaIoPort"/>) or a socket the handler owns (<see cref="SocketPort"/>).
/// </summary>
public interface IConnectionPort
{
    /// <summary>Names the actor that receives the events; call once, before anything else.</summary>
    void Register(IActorRef handler, bool keepOpenOnPeerClosed);

    /// <summary>Queues bytes; <paramref name="ack"/> (when not null) comes back once the kernel has them all.</summary>
    void Write(byte[] bytes, Tcp.Event? ack);

    /// <summary>Pull mode: allows one more <see cref="Tcp.Received"/>.</summary>
    void ResumeReading();

    /// <summary>
    /// Graceful close: FIN after the queued writes, then <see cref="Tcp.Closed"/>. True when the
    /// FIN went out during this call (nothing was queued) and the event is already on its way, so
    /// the caller need not guard the close with a timer.
    /// </summary>
    bool Close();

    /// <summary>Reset at once; no event follows.</summary>
    void Abort();

    /// <summary>
    /// Instead of <see cref="Register"/>: turns an accepted client away with
    /// <paramref name="bytes"/> (a short line, e.g. <c>Server busy</c>), then closes. The port
    /// is done with after this; no event comes back.
    /// </summary>
    void Reject(byte[] bytes);
}
