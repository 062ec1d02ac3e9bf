using System.Net;
using Akka.Actor;
using Akka.IO;

namespace AkkaSockets.Actors.Transport;

/// <summary>
/// Akka.IO's listener behind the transport seam: binds through the TCP manager, passes
/// <see cref="Tcp.Bound"/>, <see cref="Tcp.CommandFailed"/> and <see cref="Tcp.Unbound"/> on to
/// its handler as its own, and turns each <see cref="Tcp.Connected"/> into a
/// <see cref="ConnectionAccepted"/>. Stops when Akka.IO's listener dies, so the handler's watch
/// on this actor sees it.
/// </summary>
internal sealed class AkkaIoListenerActor : UntypedActor
{
    private readonly IActorRef _handler;
    private readonly IPEndPoint _address;
    private readonly int _backlog;
    private readonly bool _reusePort;
    private IActorRef? _listener;

    public AkkaIoListenerActor(IActorRef handler, IPEndPoint address, int backlog, bool reusePort)
    {
        _handler = handler;
        _address = address;
        _backlog = backlog;
        _reusePort = reusePort;
    }

    public static Props Props(IActorRef handler, IPEndPoint address, int backlog, bool reusePort = false) =>
        Akka.Actor.Props.Create(() => new AkkaIoListenerActor(handler, address, backlog, reusePort));

    protected override void PreStart() => Context.System.Tcp().Tell(Transports.Bind(Self, _address, _backlog, _reusePort));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.Connected connected:
                _handler.Tell(new ConnectionAccepted(new AkkaIoPort(Sender, Self), connected.RemoteAddress));
                break;
            case RejectConnection reject:
                // Akka.IO needs a registered handler to write and close: a short-lived one.
                Context.ActorOf(RejectConnectionActor.Props(reject.Connection, reject.Bytes));
                break;
            case Tcp.Bound bound:
                _listener = Sender;
                Context.Watch(_listener);
                _handler.Tell(bound);
                break;
            case Tcp.CommandFailed failed when _listener is null:
                _handler.Tell(failed);
                Context.Stop(Self);
                break;
            case Tcp.Unbind:
                if (_listener is null)
                {
                    _handler.Tell(Tcp.Unbound.Instance);
                    Context.Stop(Self);
                }
                else
                {
                    _listener.Tell(Tcp.Unbind.Instance);
                }

                break;
            case Tcp.Unbound:
                _handler.Tell(Tcp.Unbound.Instance);
                Context.Stop(Self);
                break;
            case Terminated t when t.ActorRef.Equals(_listener):
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}

/// <summary>Answer this Akka.IO connection with <paramref name="Bytes"/> and close it.</summary>
internal sealed record RejectConnection(IActorRef Connection, byte[] Bytes);
