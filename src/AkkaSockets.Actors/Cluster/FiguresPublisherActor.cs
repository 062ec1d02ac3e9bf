using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using AkkaSockets.Actors.Server;

namespace AkkaSockets.Actors.Cluster;

/// <summary>
/// Shares this server node's figures with the cluster: every publish-interval it asks the
/// listener for its counts and writes them, under the node's address, into a replicated
/// last-writer-wins map that DistributedData gossips to every node. Entries of removed nodes are
/// dropped from the map.
/// </summary>
public sealed class FiguresPublisherActor : UntypedActor, IWithTimers
{
    public static readonly LWWDictionaryKey<string, NodeFigures> FiguresKey = new("akkasockets-figures");

    private static readonly object TickKey = new();

    private readonly IActorRef _server;
    private readonly TimeSpan _interval;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly ServerCounters _counters = ServerCounters.For(Context.System);
    private readonly SortedDictionary<string, long> _closes = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public FiguresPublisherActor(IActorRef server, TimeSpan interval)
    {
        _server = server;
        _interval = interval;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef server, TimeSpan interval) =>
        Akka.Actor.Props.Create(() => new FiguresPublisherActor(server, interval));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(ClientClosed));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));
        Timers.StartPeriodicTimer(TickKey, Tick.Instance, TimeSpan.Zero, _interval);
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        _cluster.Unsubscribe(Self);
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Tick:
                _server.Tell(GetServerStats.Instance);
                break;
            case ServerStats stats:
                Publish(stats);
                break;
            case ClientClosed closed:
                var reason = closed.Reason.ToText();
                _closes[reason] = _closes.GetValueOrDefault(reason) + 1;
                break;
            case ClusterEvent.MemberRemoved removed when !removed.Member.Address.Equals(_cluster.SelfAddress):
                var gone = removed.Member.Address.ToString();
                _replicator.Tell(Dsl.Update(FiguresKey, LWWDictionary<string, NodeFigures>.Empty, WriteLocal.Instance,
                    map => map.Remove(_cluster, gone)));
                break;
            case UpdateSuccess or ClusterEvent.MemberRemoved:
                break;
            case IUpdateFailure failure:
                _log.Warning("Could not share this node's figures: {0}", failure);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Publish(ServerStats stats)
    {
        var node = _cluster.SelfAddress.ToString();
        var figures = new NodeFigures(
            node,
            stats.Open,
            stats.Accepted,
            stats.Rejected,
            _counters.Replies,
            new SortedDictionary<string, long>(_closes, StringComparer.Ordinal),
            DateTimeOffset.UtcNow);
        _replicator.Tell(Dsl.Update(FiguresKey, LWWDictionary<string, NodeFigures>.Empty, WriteLocal.Instance,
            map => map.SetItem(_cluster, node, figures)));
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
