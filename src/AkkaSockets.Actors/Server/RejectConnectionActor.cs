using Akka.Actor;
using Akka.IO;

namespace AkkaSockets.Actors.Server;

/// <summary>
/// Answers a connection over the limit, or one that arrives while the server drains, with
/// <c>Server busy</c> and closes it at once.
/// </summary>
public sealed class RejectConnectionActor : UntypedActor, IWithTimers
{
    private readonly IActorRef _connection;
    private readonly byte[] _busy;
    private bool _closed;

    public RejectConnectionActor(IActorRef connection, byte[] busy)
    {
        _connection = connection;
        _busy = busy;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef connection, byte[] busy) =>
        Akka.Actor.Props.Create<RejectConnectionActor>(connection, busy);

    protected override void PreStart()
    {
        Context.Watch(_connection);
        _connection.Tell(new Tcp.Register(Self, keepOpenOnPeerClosed: true, useResumeWriting: false));
        _connection.Tell(Tcp.Write.Create(ByteString.FromBytes(_busy)));
        _connection.Tell(Tcp.Close.Instance);

        Timers.StartSingleTimer("linger", ReceiveTimeout.Instance, ConnectionActor.CloseLinger);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.PeerClosed:
                break;
            case Tcp.ConnectionClosed or Terminated:
                _closed = true;
                Context.Stop(Self);
                break;
            case ReceiveTimeout:
                Context.Stop(Self);
                break;
        }
    }

    protected override void PostStop()
    {
        if (!_closed)
            _connection.Tell(Tcp.Abort.Instance);
    }
}
