using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;

namespace AkkaSockets.Actors.Cluster;

/// <summary>
/// The status command's node: waits until it is a member (Up, or WeaklyUp while another member
/// is unreachable), then reads the shared figures from its own replica until every server member
/// has an entry or the deadline passes, and answers with the members and the figures.
/// </summary>
public sealed class StatusCollectorActor : UntypedActor, IWithTimers
{
    private static readonly object PollKey = new();
    private static readonly object DeadlineKey = new();
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private IActorRef? _asker;
    private bool _joined;
    private IReadOnlyDictionary<string, NodeFigures> _figures = new Dictionary<string, NodeFigures>();

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props() => Akka.Actor.Props.Create(() => new StatusCollectorActor());

    protected override void PreStart() =>
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberWeaklyUp));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case CollectStatus collect:
                _asker = Sender;
                var left = collect.Deadline - DateTimeOffset.UtcNow;
                Timers.StartSingleTimer(DeadlineKey, Deadline.Instance, left > TimeSpan.Zero ? left : TimeSpan.Zero);
                Poll();
                break;
            case ClusterEvent.IMemberEvent e when e.Member.UniqueAddress.Equals(_cluster.SelfUniqueAddress):
                _joined = true;
                Poll();
                break;
            case ClusterEvent.IMemberEvent:
                break;
            case PollNow:
                Poll();
                break;
            case GetSuccess success:
                _figures = success.Get(FiguresPublisherActor.FiguresKey).Entries;
                if (Complete())
                    Answer();
                else
                    Timers.StartSingleTimer(PollKey, PollNow.Instance, PollInterval);
                break;
            case NotFound or GetFailure:
                Timers.StartSingleTimer(PollKey, PollNow.Instance, PollInterval);
                break;
            case Deadline when _asker is not null:
                if (_joined)
                    Answer();
                else
                    _asker.Tell(new StatusUnavailable("no seed answered"));
                _asker = null;
                break;
            case Deadline:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Poll()
    {
        if (_joined && _asker is not null)
            _replicator.Tell(Dsl.Get(FiguresPublisherActor.FiguresKey, ReadLocal.Instance));
    }

    /// <summary>Every server member has shared its figures.</summary>
    private bool Complete() =>
        ServerMembers().All(m => _figures.ContainsKey(m.Address.ToString()));

    private IEnumerable<Member> ServerMembers() =>
        _cluster.State.Members.Where(m => m.HasRole(ClusterNode.ServerRole) && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp);

    private void Answer()
    {
        if (_asker is null)
            return;
        var state = _cluster.State;
        var members = state.Members
            .Where(m => !m.UniqueAddress.Equals(_cluster.SelfUniqueAddress))
            .Select(m => new MemberView(
                m.Address.ToString(),
                m.Roles.Order(StringComparer.Ordinal).ToList(),
                m.Status.ToString(),
                !state.Unreachable.Contains(m)))
            .ToList();
        var addresses = members.Select(m => m.Address).ToHashSet(StringComparer.Ordinal);
        var figures = _figures.Values
            .Where(f => addresses.Contains(f.Node))
            .OrderBy(f => f.Node, StringComparer.Ordinal)
            .ToList();
        _asker.Tell(new ClusterStatus(members, figures, NodeFigures.Total("total", figures)));
        _asker = null;
        Timers.CancelAll();
    }

    private sealed class PollNow
    {
        public static readonly PollNow Instance = new();
    }

    private sealed class Deadline
    {
        public static readonly Deadline Instance = new();
    }
}
