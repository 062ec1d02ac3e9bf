using System.Buffers;
using System.Net.Sockets;
using Akka.Actor;
using Akka.IO;

namespace AkkaSockets.Actors.Transport;

/// <summary>
/// A socket owned by one actor, with Akka.IO's commands and events but no actor of its own.
/// Akka.IO puts a second actor in front of every socket, holds a read buffer for the whole life
/// of the connection and watches its handler; at tens of thousands of connections that doubles
/// the memory and most of the allocation per session.
/// <para>
/// Reads wait for data with a zero-byte receive, so an idle connection holds no buffer; the
/// bytes are then taken with one non-blocking receive into a pooled buffer and sent to the
/// handler as a <see cref="Tcp.Received"/> of exactly their size. Writes try a non-blocking send
/// first and only go asynchronous when the kernel's buffer is full. Completions run on the
/// thread pool and touch only the socket and this port; the actor hears of them as messages.
/// </para>
/// </summary>
public sealed class SocketPort : IConnectionPort, IDisposable
{
    private readonly Socket _socket;
    private readonly int _readSize;
    private readonly bool _pullMode;
    private readonly Lock _gate = new();

    // Made at the first read, on the handler's thread: an accept loop builds ports one after
    // another, and a refused client never reads.
    private SocketAsyncEventArgs? _readArgs;
    private SocketAsyncEventArgs? _writeArgs;
    private Queue<PendingWrite>? _queued;
    private PendingWrite _current;
    private IActorRef _handler = ActorRefs.Nobody;
    private bool _keepOpenOnPeerClosed;
    private bool _sending;
    private bool _closeRequested;
    private Tcp.ConnectionClosed _closedEvent = Tcp.Closed.Instance;
    private int _reading;
    private volatile bool _closed;

    /// <param name="socket">A connected socket; the port owns it from now on.</param>
    /// <param name="readSize">The most one <see cref="Tcp.Received"/> carries.</param>
    /// <param name="pullMode">True: one read per <see cref="ResumeReading"/>. False: reads go on by themselves.</param>
    public SocketPort(Socket socket, int readSize, bool pullMode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(readSize, 1);
        _socket = socket;
        _readSize = readSize;
        _pullMode = pullMode;
        // Reads and writes after a completion must never block a pool thread.
        _socket.Blocking = false;
        _socket.NoDelay = true;
    }

    private SocketAsyncEventArgs ReadArgs()
    {
        if (_readArgs is { } args)
            return args;
        args = new SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true) { UserToken = this };
        args.SetBuffer(Memory<byte>.Empty);
        args.Completed += static (_, e) => ((SocketPort)e.UserToken!).OnReadable();
        lock (_gate)
        {
            if (_closed)
            {
                args.Dispose();
                throw new ObjectDisposedException(nameof(SocketPort));
            }

            _readArgs = args;
        }

        return args;
    }

    /// <summary>
    /// Before <see cref="Register"/>: one non-blocking send of a short line on a fresh socket (it
    /// fits any send buffer), for a listener that writes the first line itself. True when all of it went.
    /// </summary>
    internal bool TrySendNow(byte[] bytes)
    {
        try
        {
            return _socket.Send(bytes, SocketFlags.None, out var error) == bytes.Length && error == SocketError.Success;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    public void Register(IActorRef handler, bool keepOpenOnPeerClosed)
    {
        _handler = handler;
        _keepOpenOnPeerClosed = keepOpenOnPeerClosed;
        if (!_pullMode)
            ResumeReading();
    }

    public void ResumeReading()
    {
        // One read at a time; a second ResumeReading while one waits changes nothing (as Akka.IO).
        if (_closed || Interlocked.Exchange(ref _reading, 1) == 1)
            return;
        try
        {
            if (!_socket.ReceiveAsync(ReadArgs()))
                OnReadable();
        }
        catch (ObjectDisposedException)
        {
            // Closed meanwhile by an abort: nothing more to read.
        }
    }

    /// <summary>The zero-byte receive completed: data, end of stream or an error is waiting.</summary>
    private void OnReadable()
    {
        var readArgs = _readArgs!;
        while (!_closed)
        {
            if (readArgs.SocketError != SocketError.Success)
            {
                Fail(readArgs.SocketError);
                return;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(_readSize);
            try
            {
                int read;
                SocketError error;
                try
                {
                    read = _socket.Receive(buffer, 0, _readSize, SocketFlags.None, out error);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                if (error == SocketError.WouldBlock)
                {
                    // Woken without data: wait again.
                }
                else if (error != SocketError.Success)
                {
                    Fail(error);
                    return;
                }
                else if (read == 0)
                {
                    OnEndOfStream();
                    return;
                }
                else
                {
                    var received = new Tcp.Received(ByteString.CopyFrom(buffer, 0, read));
                    // Cleared before the handler can hear of it and ask for the next read.
                    if (_pullMode)
                        Volatile.Write(ref _reading, 0);
                    _handler.Tell(received);
                    if (_pullMode)
                        return;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            try
            {
                if (_socket.ReceiveAsync(readArgs))
                    return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    private void OnEndOfStream()
    {
        if (_keepOpenOnPeerClosed)
        {
            _handler.Tell(Tcp.PeerClosed.Instance);
            return;
        }

        // As Akka.IO without keep-open: the connection is over once the peer is done, but what
        // is already queued is still written first, and PeerClosed is the event that ends it.
        RequestClose(Tcp.PeerClosed.Instance);
    }

    public void Write(byte[] bytes, Tcp.Event? ack)
    {
        lock (_gate)
        {
            if (_closed || _closeRequested)
                return;
            if (_sending)
            {
                (_queued ??= new Queue<PendingWrite>(2)).Enqueue(new PendingWrite(bytes, ack));
                return;
            }

            _sending = true;
            _current = new PendingWrite(bytes, ack);
        }

        SendCurrent(0);
    }

    /// <summary>
    /// Sends <see cref="_current"/> from <paramref name="offset"/> and whatever is queued after
    /// it. Only one thread is ever here: the one that set <see cref="_sending"/>, or the
    /// completion of the asynchronous send it started.
    /// </summary>
    private void SendCurrent(int offset)
    {
        while (true)
        {
            var bytes = _current.Bytes;
            while (offset < bytes.Length)
            {
                int sent;
                SocketError error;
                try
                {
                    sent = _socket.Send(bytes, offset, bytes.Length - offset, SocketFlags.None, out error);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                if (error == SocketError.WouldBlock)
                {
                    SendLater(offset);
                    return;
                }

                if (error != SocketError.Success)
                {
                    Fail(error);
                    return;
                }

                offset += sent;
            }

            if (_current.Ack is { } ack)
                _handler.Tell(ack);

            bool close;
            lock (_gate)
            {
                if (_queued is { Count: > 0 } queue)
                {
                    _current = queue.Dequeue();
                    offset = 0;
                    continue;
                }

                _current = default;
                _sending = false;
                close = _closeRequested;
            }

            if (close)
                CloseNow();
            return;
        }
    }

    /// <summary>The kernel's send buffer is full: the rest goes when it has room.</summary>
    private void SendLater(int offset)
    {
        var args = _writeArgs;
        if (args is null)
        {
            args = new SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true) { UserToken = this };
            args.Completed += static (_, e) => ((SocketPort)e.UserToken!).OnSent(e);
            _writeArgs = args;
        }

        var bytes = _current.Bytes;
        args.SetBuffer(bytes, offset, bytes.Length - offset);
        try
        {
            if (!_socket.SendAsync(args))
                OnSent(args);
        }
        catch (ObjectDisposedException)
        {
            // Aborted meanwhile.
        }
    }

    private void OnSent(SocketAsyncEventArgs args)
    {
        if (_closed)
            return;
        if (args.SocketError != SocketError.Success)
        {
            Fail(args.SocketError);
            return;
        }

        SendCurrent(args.Offset + args.BytesTransferred);
    }

    public bool Close() => RequestClose(Tcp.Closed.Instance);

    /// <summary>
    /// FIN once the queued writes are out (now, if none are), then <paramref name="closedEvent"/>;
    /// true when that happened during this call.
    /// </summary>
    private bool RequestClose(Tcp.ConnectionClosed closedEvent)
    {
        lock (_gate)
        {
            if (_closed || _closeRequested)
                return false;
            _closeRequested = true;
            _closedEvent = closedEvent;
            if (_sending)
                return false;
        }

        return CloseNow();
    }

    /// <summary>True when this call closed the socket and told the handler.</summary>
    private bool CloseNow()
    {
        if (!MarkClosed())
            return false;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // The peer is already gone; closing is all that is left.
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        Release(reset: false);
        _handler.Tell(_closedEvent);
        return true;
    }

    public void Abort()
    {
        if (MarkClosed())
            Release(reset: true);
    }

    /// <summary>Same as <see cref="Abort"/>: a port dropped without a close resets the connection.</summary>
    public void Dispose() => Abort();

    private void Fail(SocketError error)
    {
        if (!MarkClosed())
            return;
        Release(reset: true);
        _handler.Tell(new Tcp.ErrorClosed(new SocketException((int)error).Message));
    }

    /// <summary>True for the one caller that gets to close the socket.</summary>
    private bool MarkClosed()
    {
        lock (_gate)
        {
            if (_closed)
                return false;
            _closed = true;
            _queued = null;
            return true;
        }
    }

    private void Release(bool reset)
    {
        try
        {
            if (reset)
                _socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
        SocketAsyncEventArgs? readArgs;
        lock (_gate)
            readArgs = _readArgs;
        readArgs?.Dispose();
        _writeArgs?.Dispose();
    }

    /// <summary>
    /// Turns the connection away without an actor: one non-blocking send of <paramref name="bytes"/>
    /// (a short line fits any socket buffer), then FIN and close.
    /// </summary>
    public void Reject(byte[] bytes)
    {
        if (!MarkClosed())
            return;
        try
        {
            _socket.Send(bytes, SocketFlags.None, out _);
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Gone already.
        }
        catch (ObjectDisposedException)
        {
        }

        Release(reset: false);
    }

    private readonly record struct PendingWrite(byte[] Bytes, Tcp.Event? Ack);
}
