using System.Globalization;
using Akka.Actor;
using Akka.Event;

namespace AkkaSockets.Actors.Client.Distributed;

/// <summary>
/// Runs one share on a worker node with the ordinary <see cref="LoadGeneratorActor"/>: passes its
/// progress on to the coordinator, and at the end its result with the histogram encoded. A
/// coordinator that goes away takes the share with it.
/// </summary>
public sealed class WorkerShareActor : UntypedActor
{
    private readonly RunShare _run;
    private readonly IActorRef _coordinator;
    private readonly LoadMetrics? _metrics;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _generator = ActorRefs.Nobody;
    private bool _reported;

    public WorkerShareActor(RunShare run, IActorRef coordinator, LoadMetrics? metrics)
    {
        _run = run;
        _coordinator = coordinator;
        _metrics = metrics;
    }

    public static Props Props(RunShare run, IActorRef coordinator, LoadMetrics? metrics = null) =>
        Akka.Actor.Props.Create(() => new WorkerShareActor(run, coordinator, metrics));

    protected override void PreStart()
    {
        Context.Watch(_coordinator);
        _generator = Context.ActorOf(LoadGeneratorActor.Props(_run.Share.Session(), _run.Share.Load(), Self, _metrics), "load");
        Context.Watch(_generator);
        _coordinator.Tell(new ShareStarted(_run.RunId, _run.Index));
        var s = _run.Share;
        var sessions = s.Sessions is { } planned ? planned.ToString(CultureInfo.InvariantCulture) : "unbounded";
        _log.Info(string.Create(
            CultureInfo.InvariantCulture,
            $"Running share {_run.Index} of run {_run.RunId} for {_coordinator.Path.Address}: {sessions} sessions, {s.Connections} connections, against {s.Host}:{s.Port}"));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case LoadProgress p:
                _coordinator.Tell(new ShareProgress(_run.RunId, _run.Index, p.Started, p.Open, p.Ok, p.Failed, p.Replies, p.Failures));
                break;
            case LoadReport report when !_reported:
                _reported = true;
                _coordinator.Tell(new ShareResult(
                    _run.RunId,
                    _run.Index,
                    report.Started,
                    report.Ok,
                    report.Failed,
                    report.Failures,
                    report.PeakOpen,
                    report.Elapsed,
                    report.EndedBy,
                    HistogramCodec.Encode(report.Histogram),
                    report.Timeline));
                _log.Info("Share {0} of run {1} ended ({2}): {3} ok, {4} failed", _run.Index, _run.RunId, report.EndedBy.ToText(), report.Ok, report.Failed);
                Context.Stop(_generator);
                break;
            case LoadReport:
                // The answer to StopLoad repeats the report already sent.
                break;
            case CancelShare:
                _generator.Tell(StopLoad.Instance);
                break;
            case Terminated t when t.ActorRef.Equals(_coordinator):
                _log.Warning("The coordinator of run {0} ({1}) is gone; ending share {2}", _run.RunId, _coordinator.Path.Address, _run.Index);
                Context.Stop(Self);
                break;
            case Terminated:
                // The generator has stopped after its report (or failed): this share is over.
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }
}
