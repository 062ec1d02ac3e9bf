using Akka.Actor;
using Akka.IO;

namespace AkkaSockets.Actors.Transport;

/// <summary>The port in front of Akka.IO's connection actor: each call is the Akka.IO command.</summary>
public sealed class AkkaIoPort : IConnectionPort
{
    private readonly IActorRef _connection;
    private IActorRef _handler = ActorRefs.Nobody;

    public AkkaIoPort(IActorRef connection) => _connection = connection;

    public void Register(IActorRef handler, bool keepOpenOnPeerClosed)
    {
        _handler = handler;
        _connection.Tell(new Tcp.Register(handler, keepOpenOnPeerClosed, useResumeWriting: false), handler);
    }

    // Akka.IO sends acks and failures to the sender of the command: always the handler.
    public void Write(byte[] bytes, Tcp.Event? ack) =>
        _connection.Tell(Tcp.Write.Create(ByteString.FromBytes(bytes), ack ?? Tcp.NoAck.Instance), _handler);

    public void ResumeReading() => _connection.Tell(Tcp.ResumeReading.Instance, _handler);

    public void Close() => _connection.Tell(Tcp.Close.Instance, _handler);

    public void Abort() => _connection.Tell(Tcp.Abort.Instance, _handler);
}
