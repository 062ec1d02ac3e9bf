using System.Net;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using AkkaSockets.Actors.Diagnostics;
using AkkaSockets.Actors.Dispatch;
using AkkaSockets.Protocol.Framing;
using AkkaSockets.Protocol.Greeting;
using AkkaSockets.Actors.Transport;

namespace AkkaSockets.Actors.Server;

/// <summary>
/// One client of the greeting server. Reads in pull mode, decodes messages into a bounded
/// queue, answers them one at a time after the reply delay (a timer, never a sleep), and keeps
/// one acknowledged write in flight, so a peer that stops reading stops the connection reading.
/// </summary>
public sealed class ConnectionActor : UntypedActor
{
    // Transports only read the bytes they send, so every connection can share one greeting array.
    private static readonly byte[] ChunkGreeting = GreetingProtocol.Greeting(FramingMode.Chunk);
    private static readonly byte[] LineGreeting = GreetingProtocol.Greeting(FramingMode.Line);

    /// <summary>A graceful close that cannot flush (the peer is not reading) is cut after this.</summary>
    internal static readonly TimeSpan CloseLinger = TimeSpan.FromSeconds(10);

    // Decoding happens inside one message handler, so one scratch list per thread suffices.
    [ThreadStatic]
    private static List<byte[]>? _scratch;

    private readonly IConnectionPort _port;
    private readonly EndPoint _remote;
    private readonly ServerSettings _settings;
    private readonly IFrameDecoder _decoder;
    private readonly Queue<byte[]> _pending = new();

    // A phase field and a flag set, not Become: Akka 1.5.75 gives an actor's second behaviour a
    // full state object (two dictionaries, a set and a stack), 256 B more for every connection
    // (bench/Micro, BecomeBenchmarks). The legal combinations are in docs/architecture.md.
    private Phase _phase = Phase.Idle;
    private Status _status;
    private DateTimeOffset _lastActivity;
    private long _openedAt;
    private CloseReason _reason = CloseReason.Error;

    // Every delay is a message scheduled to Self under this epoch; see Schedule.
    private TimerEpoch _timers = new();

    public ConnectionActor(IConnectionPort port, EndPoint remote, ServerSettings settings, IFrameDecoder decoder, bool welcomed = false)
    {
        _port = port;
        _remote = remote;
        _settings = settings;
        _decoder = decoder;
        if (welcomed)
            _status = Status.Welcomed;
    }

    /// <param name="welcomed">The listener has already written the welcome (<see cref="ConnectionAccepted.Admitted"/>).</param>
    public static Props Props(IConnectionPort port, EndPoint remote, ServerSettings settings, bool welcomed = false) =>
        DelegateProducer<ConnectionActor>.Props(() => new ConnectionActor(port, remote, settings, DecoderFor(settings), welcomed));

    /// <summary>For an actor that speaks Akka.IO's connection protocol (a probe playing it, in specs).</summary>
    public static Props Props(IActorRef connection, EndPoint remote, ServerSettings settings) =>
        Props(new AkkaIoPort(connection), remote, settings);

    protected override void PreStart()
    {
        Context.System.EventStream.Publish(new ClientAccepted(_remote));
        _openedAt = ServerMetrics.ConnectionOpened();
        // No DeathWatch on an Akka.IO connection: it always reports its end as a
        // Tcp.ConnectionClosed event, and a watch costs two dictionaries per connection.
        // Register first: anything sent before it is only buffered by Akka.IO.
        _port.Register(Self, keepOpenOnPeerClosed: true);
        if (!Has(Status.Welcomed))
            Write(_settings.Framing == FramingMode.Line ? LineGreeting : ChunkGreeting);
        _port.ResumeReading();
        MarkActivity();
        if (_settings.IdleTimeout is { } idle)
            Schedule(idle, IdleCheck.Instance);
    }

    protected override void OnReceive(object message)
    {
        if (_phase >= Phase.Closing)
        {
            Closing(message);
            return;
        }

        switch (message)
        {
            case Tcp.Received received:
                OnReceived(received.Data);
                break;
            case ReplyDue:
                OnReplyDue();
                break;
            case WriteAck:
                _phase = Phase.Idle;
                MarkActivity();
                Progress();
                break;
            case Tcp.PeerClosed:
                OnPeerClosed();
                break;
            case DrainAndClose:
                Set(Status.Draining);
                Progress();
                break;
            case IdleCheck:
                OnIdleCheck();
                break;
            case Tcp.ConnectionClosed closed:
                _phase = Phase.Closed;
                StopWith(closed.IsErrorClosed || closed.IsAborted ? CloseReason.Reset : CloseReason.PeerClosed);
                break;
            case Tcp.CommandFailed:
                StopWith(CloseReason.Error);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Closing(object message)
    {
        switch (message)
        {
            case Tcp.PeerClosed:
                // Our own close is still flushing; its Closed comes next.
                break;
            case Tcp.ConnectionClosed:
                _phase = Phase.Closed;
                Context.Stop(Self);
                break;
            case CloseTimedOut:
                // The peer never took the last bytes: drop the connection rather than linger.
                _port.Abort();
                Context.Stop(Self);
                break;
            default:
                // Late acks, reads and timers of a connection that is closing need nothing.
                break;
        }
    }

    private void OnReceived(ByteString data)
    {
        MarkActivity();
        var decoded = Scratch();
        Enqueue(decoded, _decoder.Decode(data.ToReadOnlySpan(), decoded));
        Set(Status.ReadingSuspended);
        ResumeReadingIfRoom();
        Progress();
    }

    private void OnPeerClosed()
    {
        Set(Status.PeerClosed);
        var decoded = Scratch();
        Enqueue(decoded, _decoder.Complete(decoded));
        Progress();
    }

    private static List<byte[]> Scratch()
    {
        var scratch = _scratch ??= [];
        scratch.Clear();
        return scratch;
    }

    private void Enqueue(List<byte[]> decoded, DecodeOutcome outcome)
    {
        foreach (var message in decoded)
            _pending.Enqueue(message);
        ServerMetrics.MessagesQueued(decoded.Count);
        decoded.Clear();
        if (outcome == DecodeOutcome.LineTooLong)
            Set(Status.LineTooLong);
    }

    /// <summary>Starts the next step when nothing is in flight: a reply delay, or the close that is due.</summary>
    private void Progress()
    {
        if (_phase != Phase.Idle)
            return;

        if (_pending.Count > 0)
        {
            StartReplyDelay();
        }
        else if (Has(Status.LineTooLong))
        {
            Write(GreetingProtocol.LineTooLong(_settings.Framing));
            BeginClose(CloseReason.TooLarge);
        }
        else if (Has(Status.Draining))
        {
            BeginClose(CloseReason.Shutdown);
        }
        else if (Has(Status.PeerClosed))
        {
            // The tutorial sleeps once more before its recv() sees the end of stream.
            if (Has(Status.FinalDelayStarted))
            {
                BeginClose(CloseReason.PeerClosed);
            }
            else
            {
                Set(Status.FinalDelayStarted);
                StartReplyDelay();
            }
        }
    }

    private void StartReplyDelay()
    {
        _phase = Phase.Delaying;
        if (_settings.ReplyDelay <= TimeSpan.Zero)
            OnReplyDue();
        else
            Schedule(_settings.ReplyDelay, ReplyDue.Instance);
    }

    private void OnReplyDue()
    {
        _phase = Phase.Idle;
        if (!_pending.TryDequeue(out var message))
        {
            Progress();
            return;
        }

        ServerMetrics.MessagesDequeued(1);
        if (GreetingProtocol.IsExit(message))
        {
            BeginClose(CloseReason.Exit);
            return;
        }

        Write(GreetingProtocol.Reply(message, _settings.Framing));
        ServerMetrics.ReplySent();
        ServerCounters.For(Context.System).Replied();
        ResumeReadingIfRoom();
    }

    private void OnIdleCheck()
    {
        if (_settings.IdleTimeout is not { } idle)
            return;

        var quiet = Context.System.Scheduler.Now - _lastActivity;
        // Waiting out our own reply delay is not idleness.
        var delaying = _phase == Phase.Delaying;
        if (delaying || quiet < idle)
        {
            var remaining = delaying ? idle : idle - quiet;
            Schedule(remaining, IdleCheck.Instance);
            return;
        }

        BeginClose(CloseReason.IdleTimeout);
    }

    private void ResumeReadingIfRoom()
    {
        if (Has(Status.ReadingSuspended) && !Has(Status.NoMoreReads)
            && _pending.Count < _settings.MaxPendingMessages)
        {
            _status &= ~Status.ReadingSuspended;
            _port.ResumeReading();
        }
    }

    private void Write(byte[] bytes)
    {
        _phase = Phase.Writing;
        _port.Write(bytes, WriteAck.Instance);
    }

    private void MarkActivity()
    {
        if (_settings.IdleTimeout is not null)
            _lastActivity = Context.System.Scheduler.Now;
    }

    /// <summary>Graceful close: the transport sends FIN after the pending writes.</summary>
    private void BeginClose(CloseReason reason)
    {
        _reason = reason;
        ServerMetrics.MessagesDequeued(_pending.Count);
        _pending.Clear();
        // The idle check (a reply delay is never running here: a close starts from Idle or
        // from the delay's own end).
        _timers.Cancel();
        // Nothing left to send (the usual case on the direct transport): the FIN is out and the
        // Closed event on its way, so no linger timer, which would cost every session one more.
        if (!_port.Close())
        {
            _timers = new TimerEpoch();
            Schedule(CloseLinger, CloseTimedOut.Instance);
        }

        _phase = Phase.Closing;
    }

    /// <summary>
    /// Sends <paramref name="message"/> to Self after <paramref name="delay"/>: one scheduler
    /// item, and no Akka <c>Timer</c>, <c>TimerMsg</c>, <c>Cancelable</c> and token source per
    /// message as <c>IWithTimers</c> costs (docs/architecture.md, "Timers without IWithTimers").
    /// No message ever needs cancelling on its own: a reply delay runs only while the phase is
    /// <see cref="Phase.Delaying"/> and ends in its own message, the idle check re-reads the
    /// deadline when it fires, and the linger is the last. Closing and stopping cancel the epoch,
    /// so the scheduler drops what is left (it would otherwise hold this actor until due); one
    /// that fires anyway is ignored while closing and kept out of the dead-letter log once stopped.
    /// </summary>
    private void Schedule(TimeSpan delay, object message)
    {
#pragma warning disable AK1004 // Deliberate: IWithTimers costs four objects per scheduled message (see above).
        Context.System.Scheduler.ScheduleTellOnce(delay, Self, message, Self, _timers);
#pragma warning restore AK1004
    }

    private void StopWith(CloseReason reason)
    {
        _reason = reason;
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        _timers.Cancel();
        if (_phase != Phase.Closed)
            _port.Abort();

        // The system's level decides; a logging adapter is only built when it will be used.
        if (Context.System.Log.IsDebugEnabled)
            Context.GetLogger().Debug("Connection from {0} closed: {1}", EndPoints.Format(_remote), _reason.ToText());
        ServerMetrics.ConnectionClosed(_openedAt, _reason, _pending.Count);
        Context.System.EventStream.Publish(new ClientClosed(_remote, _reason));
        // Cheaper than the listener watching every connection.
        Context.Parent.Tell(ConnectionStopped.Instance, Self);
    }

    /// <summary>True when any of <paramref name="flags"/> is set.</summary>
    private bool Has(Status flags) => (_status & flags) != 0;

    private void Set(Status flags) => _status |= flags;

    /// <summary>What the connection is doing; one step at a time, so these exclude each other.</summary>
    private enum Phase : byte
    {
        /// <summary>Nothing in flight: the next step may start.</summary>
        Idle,

        /// <summary>A write is in flight; its ack moves back to <see cref="Idle"/>.</summary>
        Writing,

        /// <summary>The reply delay runs (before a reply, or the final delay after end of stream).</summary>
        Delaying,

        /// <summary>Our close is flushing; every message but the transport's end is ignored.</summary>
        Closing,

        /// <summary>The transport reported the end: nothing to abort.</summary>
        Closed,
    }

    /// <summary>What has happened so far; set once (<see cref="Welcomed"/> at the start) and never cleared, except <see cref="ReadingSuspended"/>.</summary>
    [Flags]
    private enum Status : byte
    {
        None = 0,

        /// <summary>A read arrived and the next is not yet asked for (pull mode).</summary>
        ReadingSuspended = 1,

        /// <summary>The peer sent FIN; what it sent before is still answered.</summary>
        PeerClosed = 2,

        /// <summary>After <see cref="PeerClosed"/>: the one extra delay before closing has started.</summary>
        FinalDelayStarted = 4,

        /// <summary>A line over the limit: the queue is answered, then the error line and close.</summary>
        LineTooLong = 8,

        /// <summary>Shutdown: the queue is answered, then close.</summary>
        Draining = 16,

        /// <summary>The listener wrote the welcome as it accepted the client; the actor starts past it.</summary>
        Welcomed = 32,

        /// <summary>Any of these ends reading for good.</summary>
        NoMoreReads = PeerClosed | LineTooLong | Draining,
    }

    private sealed class ReplyDue : IDeadLetterSuppression
    {
        public static readonly ReplyDue Instance = new();
    }

    private sealed class IdleCheck : IDeadLetterSuppression
    {
        public static readonly IdleCheck Instance = new();
    }

    private sealed class CloseTimedOut : IDeadLetterSuppression
    {
        public static readonly CloseTimedOut Instance = new();
    }

    /// <summary>The write acknowledgement: the bytes were handed to the kernel.</summary>
    private sealed class WriteAck : Tcp.Event
    {
        public static readonly WriteAck Instance = new();
    }

    // Per connection: the chunk decoder carries a character cut by the read size over to the next read.
    private static IFrameDecoder DecoderFor(ServerSettings settings) =>
        FrameDecoders.Create(settings.Framing, settings.MaxFrameBytes);
}
