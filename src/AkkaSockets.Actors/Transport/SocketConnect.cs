using System.Net;
using System.Net.Sockets;
using Akka.Actor;

namespace AkkaSockets.Actors.Transport;

/// <summary>
/// One non-blocking connect of the direct transport. A <see cref="DnsEndPoint"/> is resolved and
/// each of its addresses tried in turn. The completion runs on a pool thread and only tells the
/// owner <see cref="ConnectDone"/>; the owner reads the outcome on its own thread with
/// <see cref="TryComplete"/>. An owner that stops first calls <see cref="Abandon"/>, and whichever
/// of the two comes last disposes what is left, so a connect that completes late cannot leak its socket.
/// </summary>
internal sealed class SocketConnect : SocketAsyncEventArgs, IPendingConnect
{
    private const int Pending = 0;
    private const int Finished = 1;
    private const int Abandoned = 2;
    private const int Taken = 3;

    private static int _sourceCounter;

    private readonly IActorRef _owner;
    private readonly EndPoint _remote;
    private readonly int _readBytes;
    private Socket? _own;
    private int _state;

    // The completion touches nothing that needs the caller's execution context; not capturing it
    // saves an allocation per connect.
    private SocketConnect(EndPoint remote, IActorRef owner, int readBytes)
        : base(unsafeSuppressExecutionContextFlow: true)
    {
        RemoteEndPoint = remote;
        _remote = remote;
        _owner = owner;
        _readBytes = readBytes;
    }

    /// <summary>Starts connecting; <paramref name="owner"/> is told <see cref="ConnectDone"/> when it has finished.</summary>
    /// <exception cref="SocketException">The connect could not even start.</exception>
    /// <param name="readBytes">The most one read of the connected port carries.</param>
    public static SocketConnect Start(EndPoint remote, IActorRef owner, int readBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(readBytes, 1);
        var connect = new SocketConnect(remote, owner, readBytes);
        bool pending;
        try
        {
            if (remote is IPEndPoint { AddressFamily: AddressFamily.InterNetwork } ip && IPAddress.IsLoopback(ip.Address))
            {
                // Many connects to one loopback address crowd that address's ephemeral ports (and
                // each closed connection keeps its port in TIME_WAIT for a minute), which makes the
                // kernel's port search for every connect slower. 127/8 is all loopback: spread the
                // source over 127.0.0.2-127.0.0.251 so each address carries few ports.
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                connect._own = socket;
                var n = (uint)Interlocked.Increment(ref _sourceCounter);
                socket.Bind(new IPEndPoint(new IPAddress(new byte[] { 127, 0, 0, (byte)(2 + (n % 250)) }), 0));
                pending = socket.ConnectAsync(connect);
            }
            else
            {
                pending = Socket.ConnectAsync(SocketType.Stream, ProtocolType.Tcp, connect);
            }
        }
        catch
        {
            connect._own?.Dispose();
            connect.Dispose();
            throw;
        }

        // Finished at once (no Completed event then): same path, so the owner has one way in.
        if (!pending)
            connect.OnCompleted(connect);
        return connect;
    }

    // Subclassing instead of a Completed handler: no delegate per connect.
    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (Interlocked.CompareExchange(ref _state, Finished, Pending) == Pending)
            _owner.Tell(ConnectDone.Instance);
        else
            Release();
    }

    /// <summary>
    /// <see cref="ConnectDone"/> completes this connect: a <see cref="SocketPort"/> that pushes
    /// reads, or the socket error. Disposes this connect either way.
    /// </summary>
    public bool TryComplete(object message, IActorRef sender, out ConnectOutcome outcome)
    {
        if (message is not ConnectDone)
        {
            outcome = default;
            return false;
        }

        var socket = Take(out var error);
        if (socket is null)
        {
            outcome = ConnectOutcome.Failed(new SocketException((int)error));
            return true;
        }

        try
        {
            var remote = socket.RemoteEndPoint ?? _remote;
            outcome = new ConnectOutcome(new SocketPort(socket, _readBytes, pullMode: false), remote, null);
        }
        catch (SocketException e)
        {
            // Reset between the connect and now.
            socket.Dispose();
            outcome = ConnectOutcome.Failed(e);
        }

        return true;
    }

    /// <summary>The connected socket, now the caller's, or null and the error. Disposes this connect.</summary>
    private Socket? Take(out SocketError error)
    {
        Volatile.Write(ref _state, Taken);
        error = SocketError;
        var socket = ConnectSocket ?? _own;
        if (error != SocketError.Success)
        {
            socket?.Dispose();
            socket = null;
        }
        else if (socket is null)
        {
            error = SocketError.NotConnected;
        }

        Dispose();
        return socket;
    }

    /// <summary>The owner stops without having taken the outcome: cancel, and let the socket go.</summary>
    public void Abandon()
    {
        switch (Interlocked.Exchange(ref _state, Abandoned))
        {
            case Pending:
                // The completion still comes (aborted, or connected just now) and releases.
                try
                {
                    Socket.CancelConnectAsync(this);
                }
                catch (ObjectDisposedException)
                {
                    // That completion came in between and released already.
                }

                break;
            case Finished:
                // Told, but the owner stopped before reading the message.
                Release();
                break;
            case Taken:
                // Completed: the socket is the port's now.
                break;
        }
    }

    private void Release()
    {
        ConnectSocket?.Dispose();
        _own?.Dispose();
        Dispose();
    }
}

/// <summary>A <see cref="SocketConnect"/> has finished; the owner takes the outcome.</summary>
internal sealed class ConnectDone
{
    public static readonly ConnectDone Instance = new();

    private ConnectDone()
    {
    }
}
