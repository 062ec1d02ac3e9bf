using Akka.Actor;

namespace AkkaSockets.Actors.Client.Distributed;

/// <summary>
/// A load-worker node's entry point (at <see cref="LoadWorkerPath"/>): each <see cref="RunShare"/>
/// from a coordinator runs in its own <see cref="WorkerShareActor"/>, so the node serves run after
/// run (and several coordinators at once) until it stops. On <see cref="EndShares"/> (the node is
/// stopping) every running share ends early and sends its result before the answer.
/// </summary>
public sealed class LoadWorkerActor : UntypedActor
{
    private readonly LoadMetrics? _metrics;
    private readonly List<IActorRef> _waitingForEnd = [];
    private readonly Dictionary<IActorRef, string> _shares = [];

    public LoadWorkerActor(LoadMetrics? metrics) => _metrics = metrics;

    public static Props Props(LoadMetrics? metrics = null) => Akka.Actor.Props.Create(() => new LoadWorkerActor(metrics));

    // A share that throws is stopped; its coordinator sees it go (DeathWatch) and counts it lost.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RunShare run:
                var share = Context.ActorOf(WorkerShareActor.Props(run, Sender, _metrics));
                Context.Watch(share);
                _shares[share] = run.RunId;
                break;
            case CancelShare cancel:
                foreach (var (running, runId) in _shares)
                {
                    if (runId == cancel.RunId)
                        running.Forward(cancel);
                }

                break;
            case EndShares:
                _waitingForEnd.Add(Sender);
                foreach (var (running, runId) in _shares)
                    running.Tell(new CancelShare(runId));
                AnswerIfIdle();
                break;
            case Terminated t:
                _shares.Remove(t.ActorRef);
                AnswerIfIdle();
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void AnswerIfIdle()
    {
        if (_waitingForEnd.Count == 0 || _shares.Count > 0)
            return;
        foreach (var asker in _waitingForEnd)
            asker.Tell(SharesEnded.Instance);
        _waitingForEnd.Clear();
    }
}
