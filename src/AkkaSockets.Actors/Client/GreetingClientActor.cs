using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.IO;
using AkkaSockets.Actors.Dispatch;
using AkkaSockets.Protocol.Greeting;
using AkkaSockets.Actors.Transport;

namespace AkkaSockets.Actors.Client;

/// <summary>
/// One session of the tutorial's client: connect, read the welcome, send each name and wait
/// for its whole reply, then send <c>exit</c> and close. TCP may split or merge what the server
/// wrote, so received bytes are matched against the bytes expected next (the welcome is exactly
/// <c>Welcome!</c>, the reply to NAME exactly <c>Hello, NAME!</c>): a step completes only when
/// its last byte has arrived, and bytes beyond it already belong to the next step.
/// Reports to its observer; it never prints. Connects through the session's
/// <see cref="ITransport"/> and then talks to the <see cref="IConnectionPort"/> it gets back.
/// </summary>
public sealed class GreetingClientActor : UntypedActor, IWithTimers
{
    // One key for connect, welcome, each reply and the close.
    private static readonly object DeadlineKey = new();
    private static readonly object ThinkKey = new();
    private const int WelcomeStep = -1;
    private const int MaxShownBytes = 48;

    // The most one direct read takes: a whole reply to the longest name fits. The buffer is
    // pooled and held only during the read.
    private const int ReadBytes = 4096;

    private static readonly string BusyText =
        Encoding.UTF8.GetString(GreetingProtocol.ServerBusy(Protocol.Framing.FramingMode.Chunk));

    private readonly ClientSession _session;
    private readonly GreetingScript _script;
    private readonly int _id;
    private readonly IActorRef _observer;
    private readonly long[] _latencyMicros;

    private IPendingConnect? _connect;
    private IConnectionPort? _port;
    private int _step = WelcomeStep;
    private int _matched;
    private long _sentAt;
    private DateTimeOffset _deadline;
    private DateTimeOffset _timerDue;
    private Phase _phase = Phase.Connecting;

    public GreetingClientActor(ClientSession session, int id, IActorRef observer)
    {
        _session = session;
        _script = session.Script;
        _id = id;
        _observer = observer;
        _latencyMicros = new long[_script.Count];
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ClientSession session, int id, IActorRef observer) =>
        DelegateProducer<GreetingClientActor>.Props(() => new GreetingClientActor(session, id, observer));

    protected override void PreStart()
    {
        // Our own deadline rather than Connect's timeout: Akka.IO's failure carries no cause to
        // tell a timeout from a refusal, and the direct connect has no timeout at all.
        ExtendDeadline(_session.ConnectTimeout);
        try
        {
            _connect = _session.Transport.Connect(Context.System, _session.Remote, Self, ReadBytes);
        }
        catch (SocketException e)
        {
            Fail(ClassifyConnectFailure(e), DescribeConnectFailure(e));
        }
    }

    protected override void OnReceive(object message)
    {
        // A phase field, not Become: Akka 1.5.74 gives an actor's second behaviour a full state
        // object (two dictionaries, a set and a stack), a few hundred bytes for every session.
        if (message is Deadline)
        {
            OnDeadline();
            return;
        }

        switch (_phase)
        {
            case Phase.Connecting:
                Connecting(message);
                break;
            case Phase.Conversing:
                Conversing(message);
                break;
            case Phase.Closing:
                Closing(message);
                break;
        }
    }

    private void Connecting(object message)
    {
        if (_connect is null || !_connect.TryComplete(message, Sender, out var outcome))
        {
            Unhandled(message);
            return;
        }

        _connect = null;
        if (outcome is { Port: { } port, Remote: { } remote })
            Connected(port, remote);
        else
            Fail(ClassifyConnectFailure(outcome.Failure), DescribeConnectFailure(outcome.Failure));
    }

    /// <summary>
    /// The one deadline of every phase. The timer may fire early (see <see cref="ExtendDeadline"/>):
    /// then it is re-armed for the rest and nothing else happens.
    /// </summary>
    private void OnDeadline()
    {
        if (!DeadlinePassed())
            return;
        switch (_phase)
        {
            case Phase.Connecting:
                Fail(SessionFailure.Timeout, $"no connection within {Format(_session.ConnectTimeout)}");
                break;
            case Phase.Conversing:
                Fail(SessionFailure.Timeout, _step == WelcomeStep
                    ? $"no welcome within {Format(_session.Timeout)}"
                    : $"no reply to '{_script.Names[_step]}' within {Format(_session.Timeout)}");
                break;
            case Phase.Closing:
                // exit was sent and every reply arrived: a slow close does not undo that.
                Complete();
                break;
        }
    }

    private void Connected(IConnectionPort port, EndPoint remote)
    {
        _port = port;
        // Reads start here (direct) or are buffered by Akka.IO until now.
        port.Register(Self, keepOpenOnPeerClosed: false);
        _observer.Tell(new SessionConnected(_id, remote));
        ExtendDeadline(_session.Timeout);
        _phase = Phase.Conversing;
    }

    private void Conversing(object message)
    {
        switch (message)
        {
            case Tcp.Received received:
                OnReceived(received.Data);
                break;
            case ThinkOver:
                SendName();
                break;
            case Tcp.ConnectionClosed closed:
                Fail(SessionFailure.ClosedEarly, $"the server closed the connection {Waiting()}{Partial()} ({Describe(closed)})");
                _phase = Phase.Closed;
                break;
            case Tcp.CommandFailed failed:
                Fail(SessionFailure.Error, $"could not send: {failed.CauseString}");
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
            case Tcp.ConnectionClosed:
                Complete();
                _phase = Phase.Closed;
                break;
            default:
                // Bytes after the last reply, or a failed close: the conversation is over.
                break;
        }
    }

    private void OnReceived(ByteString data)
    {
        var bytes = data.ToReadOnlySpan();
        while (!bytes.IsEmpty && _step < _script.Count)
        {
            var expected = _script.Expected(_step);
            var wanted = expected.AsSpan(_matched);
            var take = Math.Min(wanted.Length, bytes.Length);
            var mismatch = bytes[..take].CommonPrefixLength(wanted[..take]);
            if (mismatch < take)
            {
                FailUnexpected(expected, bytes);
                return;
            }

            _matched += take;
            bytes = bytes[take..];
            if (_matched == expected.Length)
                StepCompleted();
        }
    }

    private void StepCompleted()
    {
        if (_step == WelcomeStep)
        {
            if (_session.ReportEachStep)
                _observer.Tell(new WelcomeReceived(_id, _script.ExpectedText(WelcomeStep)));
        }
        else
        {
            var latency = Stopwatch.GetElapsedTime(_sentAt);
            var micros = latency.Ticks / TimeSpan.TicksPerMicrosecond;
            _latencyMicros[_step] = micros;
            if (_session.ReportEachStep)
                _observer.Tell(new ReplyReceived(_id, _step, _script.ExpectedText(_step), latency));
            else
                _observer.Tell(new SessionReplied(micros));
        }

        _step++;
        _matched = 0;
        if (_step < _script.Count)
        {
            if (_step > 0 && _session.Think > TimeSpan.Zero)
            {
                // Think time after a reply; the deadline covers the pause as well.
                ExtendDeadline(_session.Think + _session.Timeout);
                Timers.StartSingleTimer(ThinkKey, ThinkOver.Instance, _session.Think);
                return;
            }

            SendName();
            return;
        }

        // As the tutorial: send exit and close; Close flushes the write before the FIN.
        ExtendDeadline(_session.Timeout);
        _phase = Phase.Closing;
        Send(_script.Exit);
        _port!.Close();
    }

    private void SendName()
    {
        // The deadline is set before the name goes out: the server may answer before
        // Send returns, and its reply must never meet a deadline older than its request.
        ExtendDeadline(_session.Timeout);
        _sentAt = Stopwatch.GetTimestamp();
        Send(_script.Request(_step));
    }

    /// <summary>
    /// Moves the deadline without restarting the timer when the timer is due no later than
    /// the new deadline: it re-arms itself for the rest when it fires early. A restarted timer
    /// stays in the scheduler until its original time, so restarting at every step would keep
    /// five timer registrations alive per session instead of one.
    /// </summary>
    private void ExtendDeadline(TimeSpan span)
    {
        var now = Context.System.Scheduler.Now;
        _deadline = now + span;
        if (Timers.IsTimerActive(DeadlineKey) && _timerDue <= _deadline)
            return;
        _timerDue = _deadline;
        Timers.StartSingleTimer(DeadlineKey, Deadline.Instance, span);
    }

    /// <summary>True when the deadline has passed; otherwise re-arms the timer for the rest.</summary>
    private bool DeadlinePassed()
    {
        var remaining = _deadline - Context.System.Scheduler.Now;
        if (remaining <= TimeSpan.Zero)
            return true;
        _timerDue = _deadline;
        Timers.StartSingleTimer(DeadlineKey, Deadline.Instance, remaining);
        return false;
    }

    private void Send(byte[] bytes) => _port!.Write(bytes, ack: null);

    private void FailUnexpected(byte[] expected, ReadOnlySpan<byte> rest)
    {
        var got = Encoding.UTF8.GetString([.. expected.AsSpan(0, _matched), .. rest[..Math.Min(rest.Length, MaxShownBytes)]]);
        var wanted = Encoding.UTF8.GetString(expected).TrimEnd('\r', '\n');
        var text = got.TrimEnd('\r', '\n');
        if (_step == WelcomeStep && text.Length > 0
            && (BusyText.StartsWith(text, StringComparison.Ordinal) || text.StartsWith(BusyText, StringComparison.Ordinal)))
        {
            Fail(SessionFailure.ServerBusy, "the server is busy (too many connections)");
            return;
        }

        Fail(SessionFailure.UnexpectedReply, $"expected '{wanted}' but received '{Printable(got)}'");
    }

    private void Fail(SessionFailure cause, string detail)
    {
        if (_phase >= Phase.Reported)
            return;
        _phase = Phase.Reported;
        _observer.Tell(new SessionFailed(_id, cause, detail, _port is not null, Latencies()));
        Context.Stop(Self);
    }

    private void Complete()
    {
        if (_phase < Phase.Reported)
        {
            _phase = Phase.Reported;
            _observer.Tell(new SessionCompleted(_id, Latencies()));
        }

        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        // Stopped while connecting (the deadline, or from outside): the socket must not outlive us.
        _connect?.Abandon();
        _connect = null;
        if (_port is not null && _phase != Phase.Closed)
            _port.Abort();
        // Stopped from outside (a load run's cap, or shutdown): still exactly one outcome.
        if (_phase < Phase.Reported)
        {
            _phase = Phase.Reported;
            _observer.Tell(new SessionFailed(_id, SessionFailure.Cancelled, "stopped before it finished", _port is not null, Latencies()));
        }
    }

    private ImmutableArray<long> Latencies()
    {
        var done = Math.Clamp(_step, 0, _script.Count);
        return ImmutableArray.Create(_latencyMicros, 0, done);
    }

    private string Waiting() => _step == WelcomeStep
        ? "before the welcome"
        : $"while waiting for the reply to '{_script.Names[_step]}'";

    private string Partial() => _matched == 0
        ? string.Empty
        : $" after a partial '{Printable(Encoding.UTF8.GetString(_script.Expected(_step), 0, _matched))}'";

    private static string Describe(Tcp.ConnectionClosed closed) => closed switch
    {
        { IsErrorClosed: true } => $"error: {closed.Cause}",
        { IsAborted: true } => "reset",
        { IsPeerClosed: true } => "end of stream",
        _ => "closed",
    };

    public static SessionFailure ClassifyConnectFailure(Exception? cause) => cause switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => SessionFailure.Refused,
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } =>
            SessionFailure.UnknownHost,
        SocketException { SocketErrorCode: SocketError.TimedOut } => SessionFailure.Timeout,
        // Akka.IO 1.5.74 reports a failed connect to an IP address only as "finishConnect never
        // returned true", without the socket error; on a reachable host that means refused.
        ConnectException => SessionFailure.Refused,
        { InnerException: { } inner } => ClassifyConnectFailure(inner),
        _ => SessionFailure.Error,
    };

    private static string DescribeConnectFailure(Exception? cause) => cause switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => "unknown host",
        SocketException { SocketErrorCode: SocketError.TryAgain } => "name resolution failed (try again later)",
        SocketException s => s.Message,
        ConnectException => "connection refused (nothing listening there, or unreachable)",
        { InnerException: { } inner } => DescribeConnectFailure(inner),
        null => "could not connect",
        _ => cause.Message,
    };

    private static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
            builder.Append(char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString());
        return builder.ToString();
    }

    private static string Format(TimeSpan value) => Configuration.Units.Format(value);

    private sealed class Deadline
    {
        public static readonly Deadline Instance = new();
    }

    private sealed class ThinkOver
    {
        public static readonly ThinkOver Instance = new();
    }

    /// <summary>In order: a phase past <see cref="Closing"/> has reported the session's one outcome.</summary>
    private enum Phase : byte
    {
        Connecting,
        Conversing,

        /// <summary>exit sent and the close asked for; only the transport's end is awaited.</summary>
        Closing,

        /// <summary>The outcome went to the observer; the port, if any, may still be open.</summary>
        Reported,

        /// <summary>Reported, and the transport said the connection ended: nothing to abort.</summary>
        Closed,
    }
}
