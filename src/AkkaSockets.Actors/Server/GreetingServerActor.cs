using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using AkkaSockets.Actors.Diagnostics;
using AkkaSockets.Actors.Dispatch;
using AkkaSockets.Protocol.Greeting;
using AkkaSockets.Actors.Transport;

namespace AkkaSockets.Actors.Server;

/// <summary>
/// The server: binds through its transport's listener (<see cref="ITransport.Listener"/>) and
/// gives every accepted client its own <see cref="ConnectionActor"/>. Enforces max-connections,
/// re-binds if the listening socket dies, and on shutdown stops accepting, then lets every
/// connection drain.
/// </summary>
public sealed class GreetingServerActor : UntypedActor, IWithTimers
{
    private static readonly object DrainTimerKey = new();
    private static readonly object RebindTimerKey = new();
    private static readonly TimeSpan RebindBackoff = TimeSpan.FromSeconds(1);

    // After a drain timeout the cut connections still print their close line and report
    // ConnectionStopped; the drain ends when they have, or after this at most.
    private static readonly TimeSpan DrainCutGrace = TimeSpan.FromSeconds(1);

    private readonly ServerSettings _settings;
    private readonly ITransport _transport;
    private readonly IPEndPoint _bindAddress;
    // Admission: the listener admits and greets, or refuses, each client as it accepts it.
    private readonly ConnectionGate _gate;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<IActorRef> _boundWaiters = [];
    // Connection actors live under these, created as needed and used in turn.
    private readonly ChildGroups _groups = new(128, "connections");
    private bool _drainCut;

    private object? _bindResult;
    private IPEndPoint? _boundAddress;
    private bool _rebinding;
    private IActorRef? _listener;
    private IActorRef? _drainRequester;
    private int _drainAborted;
    private int _listenerGeneration;

    public GreetingServerActor(ServerSettings settings, IPEndPoint bindAddress)
    {
        _settings = settings;
        _transport = Transports.For(settings.Transport);
        _bindAddress = bindAddress;
        _gate = new ConnectionGate(settings.MaxConnections, GreetingProtocol.Greeting(settings.Framing), GreetingProtocol.ServerBusy(settings.Framing));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ServerSettings settings, IPEndPoint bindAddress) =>
        Akka.Actor.Props.Create<GreetingServerActor>(settings, bindAddress);

    // A connection actor that throws is stopped (its PostStop aborts the socket), never restarted:
    // a restarted actor would have lost its registration with the connection.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart() => Bind();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tcp.Bound bound:
                _listener = Sender;
                _rebinding = false;
                _boundAddress = bound.LocalAddress as IPEndPoint;
                Context.Watch(_listener);
                var result = new ServerBound(bound.LocalAddress);
                Context.System.EventStream.Publish(result);
                AnswerBound(result);
                Become(Listening);
                break;
            case Tcp.CommandFailed failed:
                OnBindFailed(failed);
                break;
            case RetryBind:
                Bind();
                break;
            default:
                HandleCommon(message);
                break;
        }
    }

    private void Listening(object message)
    {
        switch (message)
        {
            case Terminated t when t.ActorRef.Equals(_listener):
                _log.Error("The listening socket on {0} died; binding again", EndPoints.Format(ListenAddress));
                _listener = null;
                _bindResult = null;
                _rebinding = true;
                StopOrphanedConnections();
                Become(OnReceive);
                Bind();
                break;
            case StopAccepting:
                // Akka.IO stops every accepted connection when its listener unbinds (they are
                // its children), so on either transport the socket stays bound until the drain
                // is over; meanwhile newcomers get "Server busy" and are closed at once.
                Sender.Tell(AcceptingStopped.Instance);
                Refuse();
                break;
            default:
                HandleCommon(message);
                break;
        }
    }

    private void Refusing(object message)
    {
        switch (message)
        {
            case StopAccepting:
                Sender.Tell(AcceptingStopped.Instance);
                break;
            case Terminated t when t.ActorRef.Equals(_listener):
                _listener = null;
                StopOrphanedConnections();
                break;
            default:
                HandleCommon(message);
                break;
        }
    }

    /// <summary>
    /// Where connections die with their listener (Akka.IO's are its children), each usually hears
    /// Aborted, but one accepted a moment before the listener died may never have registered, and
    /// its actor would wait for input that cannot come (for ever with idle-timeout off).
    /// </summary>
    private void StopOrphanedConnections()
    {
        if (!_transport.ConnectionsOutliveListener)
            _groups.StopAll();
    }

    private void Unbinding(object message)
    {
        switch (message)
        {
            case Tcp.Unbound:
            case Terminated t when t.ActorRef.Equals(_listener):
                _listener = null;
                FinishDrain();
                break;
            case ConnectionAccepted accepted:
                Drop(accepted);
                break;
            default:
                HandleCommon(message);
                break;
        }
    }

    private void HandleCommon(object message)
    {
        switch (message)
        {
            case AwaitBound:
                if (_bindResult is null)
                    _boundWaiters.Add(Sender);
                else
                    Sender.Tell(_bindResult);
                break;
            case ConnectionAccepted accepted:
                // Listening, refusing (the gate refuses newcomers; one admitted before it closed
                // is started), or still binding (an admitted client from a listener that died).
                Accept(accepted);
                break;
            case GetServerStats:
                Sender.Tell(new ServerStats(_gate.Open, _gate.PeakOpen, _gate.Accepted, _gate.Rejected));
                break;
            case ConnectionStopped:
                _gate.Left();
                UnbindIfDrained();
                break;
            case StopAccepting:
                Sender.Tell(AcceptingStopped.Instance);
                Refuse();
                break;
            case DrainConnections:
                _drainRequester = Sender;
                Refuse();
                _groups.TellAll(DrainAndClose.Instance);
                Timers.StartSingleTimer(DrainTimerKey, DrainDeadline.Instance, _settings.DrainTimeout);
                UnbindIfDrained();
                break;
            case DrainDeadline:
                _drainAborted = _gate.Open;
                _log.Warning("Drain timeout: closing {0} connections that had not finished", _drainAborted);
                _groups.StopAll();
                Timers.StartSingleTimer(DrainTimerKey, DrainCutDeadline.Instance, DrainCutGrace);
                break;
            case DrainCutDeadline:
                _drainCut = true;
                UnbindIfDrained();
                break;
            case Tcp.CommandFailed failed:
                _log.Warning("Listener command failed: {0}", failed.Cmd);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void UnbindIfDrained()
    {
        if (_drainRequester is null || (_gate.Open > 0 && !_drainCut))
            return;
        Timers.Cancel(DrainTimerKey);
        if (_listener is null)
        {
            FinishDrain();
            return;
        }

        _listener.Tell(Tcp.Unbind.Instance);
        Become(Unbinding);
    }

    private void FinishDrain()
    {
        _drainRequester?.Tell(new ConnectionsDrained(_drainAborted));
        _drainRequester = null;
        Become(Unbound);
    }

    private void Unbound(object message)
    {
        switch (message)
        {
            case DrainConnections:
                Sender.Tell(new ConnectionsDrained(0));
                break;
            case StopAccepting:
                Sender.Tell(AcceptingStopped.Instance);
                break;
            case Tcp.Unbound or Terminated:
                break;
            case ConnectionAccepted accepted:
                Drop(accepted);
                break;
            default:
                HandleCommon(message);
                break;
        }
    }

    private void Refuse()
    {
        _gate.Close();
        Become(Refusing);
    }

    private void Accept(ConnectionAccepted accepted)
    {
        // A transport that does not admit at the accept (Akka.IO) leaves the check to us.
        if (!accepted.Admitted && !_gate.TryAdmit())
        {
            accepted.Port.Reject(_gate.Busy);
            return;
        }

        // Admitted just before a drain began: it drains too.
        _groups.Start(
            Context,
            ConnectionActor.Props(accepted.Port, accepted.Remote, _settings, welcomed: accepted.Admitted),
            _drainRequester is null ? null : DrainAndClose.Instance);
    }

    /// <summary>After the drain: no connection may start any more.</summary>
    private void Drop(ConnectionAccepted accepted)
    {
        accepted.Port.Abort();
        if (accepted.Admitted)
            _gate.Left();
    }

    /// <summary>Once bound, the port actually bound: a re-bind after port 0 must come back on the same port.</summary>
    private IPEndPoint ListenAddress => _boundAddress ?? _bindAddress;

    private void Bind() =>
        Context.ActorOf(
            _transport.Listener(Self, ListenAddress, _settings.Backlog, _settings.ReadBytes, _settings.ReusePort, _gate),
            $"listener-{++_listenerGeneration}");

    private void OnBindFailed(Tcp.CommandFailed failed)
    {
        var reason = DescribeBindFailure(failed.Cause.HasValue ? failed.Cause.Value : null);
        if (_rebinding)
        {
            // Re-binding after the socket died: keep trying, the port may come back.
            _log.Error("Cannot listen on {0}: {1}; retrying", EndPoints.Format(ListenAddress), reason);
            Timers.StartSingleTimer(RebindTimerKey, RetryBind.Instance, RebindBackoff);
            return;
        }

        var result = new BindFailed(_bindAddress, reason);
        Context.System.EventStream.Publish(result);
        AnswerBound(result);
    }

    private void AnswerBound(object result)
    {
        _bindResult = result;
        foreach (var waiter in _boundWaiters)
            waiter.Tell(result);
        _boundWaiters.Clear();
    }

    public static string DescribeBindFailure(Exception? cause) => cause switch
    {
        SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } => "address already in use",
        SocketException { SocketErrorCode: SocketError.AccessDenied } => "permission denied",
        SocketException { SocketErrorCode: SocketError.AddressNotAvailable } => "address not available",
        SocketException s => s.Message,
        { InnerException: SocketException inner } => DescribeBindFailure(inner),
        null => "bind failed",
        _ => cause.Message,
    };

    private sealed class DrainDeadline
    {
        public static readonly DrainDeadline Instance = new();
    }

    private sealed class DrainCutDeadline
    {
        public static readonly DrainCutDeadline Instance = new();
    }

    private sealed class RetryBind
    {
        public static readonly RetryBind Instance = new();
    }
}
