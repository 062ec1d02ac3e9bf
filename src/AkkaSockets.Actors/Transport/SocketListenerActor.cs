using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Akka.IO;

namespace AkkaSockets.Actors.Transport;

/// <summary>
/// The listening socket of the direct transport. Speaks to its handler as Akka.IO's listener
/// does (<see cref="Tcp.Bound"/>, <see cref="Tcp.CommandFailed"/>, <see cref="Tcp.Unbind"/> /
/// <see cref="Tcp.Unbound"/>), but hands each accepted socket to the handler as a
/// <see cref="ConnectionAccepted"/> carrying a <see cref="SocketPort"/> (pull mode) instead of
/// putting an actor in front of it. Unlike Akka.IO's, the accepted connections do not depend on
/// it: unbinding leaves them open.
/// <para>
/// With an <see cref="IAcceptPolicy"/> it admits or refuses each client as it accepts it and
/// writes the first line itself (one non-blocking send on a fresh socket), so a burst of
/// clients is greeted at the pace of the accept loop, not of the actor starts behind it. It stays
/// on the shared pool: on a thread of its own (Akka's <c>akka.io.pinned-dispatcher</c>) it was
/// slower, one more thread for the scheduler to share two cores with (docs/performance.md).
/// </para>
/// </summary>
#pragma warning disable CA1001 // An actor's resources end in PostStop, which disposes them; nothing calls Dispose on an actor.
public sealed class SocketListenerActor : UntypedActor, IWithTimers
#pragma warning restore CA1001
{
    private static readonly object RetryKey = new();

    /// <summary>Accepts in one go before yielding to other messages, as Akka.IO's batch-accept-limit.</summary>
    private const int AcceptBatch = 64;

    /// <summary>Out of file descriptors or buffers: wait a moment, the clients stay in the backlog.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(20);

    private readonly Tcp.Bind _bind;
    private readonly int _readBytes;
    private readonly IActorRef _handler;
    private readonly IAcceptPolicy? _policy;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SocketAsyncEventArgs _accept = new(unsafeSuppressExecutionContextFlow: true);
    private Socket? _socket;
    private long _retries;

    public SocketListenerActor(Tcp.Bind bind, int readBytes, IAcceptPolicy? policy = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(readBytes, 1);
        _bind = bind;
        _readBytes = readBytes;
        _handler = bind.Handler;
        _policy = policy;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="readBytes">The most one read of an accepted connection's port carries.</param>
    /// <param name="policy">Admits or refuses each client at the accept; null hands every client over unadmitted.</param>
    public static Props Props(Tcp.Bind bind, int readBytes, IAcceptPolicy? policy = null) =>
        Akka.Actor.Props.Create(() => new SocketListenerActor(bind, readBytes, policy));

    protected override void PreStart()
    {
        try
        {
            var socket = new Socket(_bind.LocalAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            _socket = socket;
            foreach (var option in _bind.Options)
                option.BeforeServerSocketBind(socket);
            socket.Bind(_bind.LocalAddress);
            socket.Listen(_bind.Backlog);
        }
        catch (SocketException e)
        {
            _handler.Tell(new Tcp.CommandFailed(_bind).WithCause(e));
            Context.Stop(Self);
            return;
        }

        var self = Self;
        _accept.Completed += (_, _) => self.Tell(AcceptCompleted.Instance);
        _handler.Tell(new Tcp.Bound(_socket.LocalEndPoint!));
        AcceptSome();
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case AcceptCompleted:
                if (Accepted())
                    AcceptSome();
                break;
            case AcceptMore:
                AcceptSome();
                break;
            case Tcp.Unbind:
                CloseSocket();
                Sender.Tell(Tcp.Unbound.Instance);
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>Accepts what the kernel has ready, up to a batch, then waits for a completion.</summary>
    private void AcceptSome()
    {
        for (var i = 0; i < AcceptBatch; i++)
        {
            _accept.AcceptSocket = null;
            if (_socket!.AcceptAsync(_accept))
                return;
            if (!Accepted())
                return;
        }

        // Let other messages in (an Unbind, a stats request) before the next batch.
        Self.Tell(AcceptMore.Instance);
    }

    /// <summary>Handles one finished accept; false when accepting must wait (a retry is scheduled).</summary>
    private bool Accepted()
    {
        switch (_accept.SocketError)
        {
            case SocketError.Success:
                Hand(_accept.AcceptSocket!);
                _accept.AcceptSocket = null;
                return true;
            case SocketError.ConnectionAborted or SocketError.ConnectionReset or SocketError.Interrupted
                or SocketError.WouldBlock or SocketError.TryAgain:
                // That client gave up before we took it; the next one may be fine.
                return true;
            case SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable:
                if (_retries++ % 100 == 0)
                    _log.Warning("Cannot accept on {0}: {1}; retrying every {2} ms", _bind.LocalAddress, _accept.SocketError, RetryDelay.TotalMilliseconds);
                Timers.StartSingleTimer(RetryKey, AcceptMore.Instance, RetryDelay);
                return false;
            default:
                // The parent watches us and binds again.
                throw new SocketException((int)_accept.SocketError);
        }
    }

    private void Hand(Socket socket)
    {
        var port = new SocketPort(socket, _readBytes, pullMode: true);
        if (_policy is not null)
        {
            if (!_policy.TryAdmit())
            {
                port.Reject(_policy.Busy);
                return;
            }

            if (!port.TrySendNow(_policy.Welcome))
            {
                // Reset before we got to it.
                port.Abort();
                _policy.Lost();
                return;
            }
        }

        EndPoint remote;
        try
        {
            remote = socket.RemoteEndPoint!;
        }
        catch (SocketException)
        {
            port.Abort();
            _policy?.Lost();
            return;
        }

        _handler.Tell(new ConnectionAccepted(port, remote, Admitted: _policy is not null));
    }

    private void CloseSocket()
    {
        _socket?.Dispose();
        _socket = null;
    }

    protected override void PostStop()
    {
        CloseSocket();
        _accept.Dispose();
    }

    private sealed class AcceptCompleted
    {
        public static readonly AcceptCompleted Instance = new();
    }

    private sealed class AcceptMore
    {
        public static readonly AcceptMore Instance = new();
    }
}
