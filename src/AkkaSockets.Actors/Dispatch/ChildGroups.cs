using Akka.Actor;

namespace AkkaSockets.Actors.Dispatch;

/// <summary>
/// The owner's side of <see cref="ChildGroupActor"/>: a fixed number of groups, created when
/// first needed, given new children in turn. Used only from the owning actor's thread.
/// </summary>
public sealed class ChildGroups
{
    private readonly IActorRef?[] _groups;
    private readonly string _prefix;
    private int _next;

    public ChildGroups(int count, string prefix)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _groups = new IActorRef?[count];
        _prefix = prefix;
    }

    /// <summary>Starts a child in the next group; <paramref name="first"/>, when given, is its first message.</summary>
    public void Start(IActorContext context, Props props, object? first = null)
    {
        var index = _next;
        _next = (index + 1) % _groups.Length;
        var group = _groups[index] ??= context.ActorOf(ChildGroupActor.Props(), $"{_prefix}-{index}");
        group.Tell(new StartChild(props, first));
    }

    public void TellAll(object message) => TellGroups(new TellChildren(message));

    public void StopAll() => TellGroups(StopChildren.Instance);

    private void TellGroups(object message)
    {
        foreach (var group in _groups)
            group?.Tell(message);
    }
}
