using Akka.Actor;
using Akka.IO;

namespace AkkaSockets.Actors.Transport;

/// <summary>
/// Rejects one Akka.IO connection (<see cref="IConnectionPort.Reject"/>): registers, writes the
/// bytes, closes, and aborts if the close has not finished within <see cref="Linger"/>.
/// </summary>
internal sealed class RejectConnectionActor : UntypedActor, IWithTimers
{
    /// <summary>The same bound as a connection's own graceful close.</summary>
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(10);

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

        Timers.StartSingleTimer("linger", ReceiveTimeout.Instance, Linger);
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
