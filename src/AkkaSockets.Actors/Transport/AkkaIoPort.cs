using Akka.Actor;
using Akka.IO;

namespace AkkaSockets.Actors.Transport;

/// <summary>The port in front of Akka.IO's connection actor: each call is the Akka.IO command.</summary>
public sealed class AkkaIoPort : IConnectionPort
{
    private readonly IActorRef _connection;
    private readonly IActorRef? _listener;
    private IActorRef _handler = ActorRefs.Nobody;

    /// <summary>An established connection (an outgoing one, or a probe playing Akka.IO's connection actor).</summary>
    public AkkaIoPort(IActorRef connection)
        : this(connection, listener: null)
    {
    }

    /// <summary>A connection our <see cref="AkkaIoListenerActor"/> accepted, which can also reject it.</summary>
    internal AkkaIoPort(IActorRef connection, IActorRef? listener)
    {
        _connection = connection;
        _listener = listener;
    }

    public void Register(IActorRef handler, bool keepOpenOnPeerClosed)
    {
        _handler = handler;
        _connection.Tell(new Tcp.Register(handler, keepOpenOnPeerClosed, useResumeWriting: false), handler);
    }

    // Akka.IO sends acks and failures to the sender of the command: always the handler.
    public void Write(byte[] bytes, Tcp.Event? ack) =>
        _connection.Tell(Tcp.Write.Create(ByteString.FromBytes(bytes), ack ?? Tcp.NoAck.Instance), _handler);

    public void ResumeReading() => _connection.Tell(Tcp.ResumeReading.Instance, _handler);

    // The connection actor closes later, on its own turn.
    public bool Close()
    {
        _connection.Tell(Tcp.Close.Instance, _handler);
        return false;
    }

    public void Abort() => _connection.Tell(Tcp.Abort.Instance, _handler);

    public void Reject(byte[] bytes)
    {
        if (_listener is null)
            throw new InvalidOperationException("Only an accepted connection can be rejected.");
        _listener.Tell(new RejectConnection(_connection, bytes));
    }
}
