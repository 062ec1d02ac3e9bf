using Akka.Actor;

namespace AkkaSockets.Actors.Dispatch;

/// <summary>
/// A parent for a share of many short-lived children (a server's connections, a load run's
/// sessions). Akka keeps an actor's children in an immutable dictionary, so adding or removing
/// one of n children copies a path of about log n nodes; with thousands of children under one
/// actor that was a quarter of everything allocated per session. Spread over groups
/// (<see cref="ChildGroups"/>), each tree stays small: with 10,000 children alive, starting and
/// stopping one more costs 760 B less over 16 groups than under one parent (Akka 1.5.75;
/// bench/Micro, ChildrenBenchmarks).
/// <para>Children that throw are stopped, never restarted. Anything else a child sends its
/// parent is forwarded to the group's own parent, sender kept.</para>
/// </summary>
public sealed class ChildGroupActor : UntypedActor
{
    public static Props Props() => Akka.Actor.Props.Create<ChildGroupActor>();

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StartChild start:
                var started = Context.ActorOf(start.Props);
                if (start.First is { } first)
                    started.Tell(first, Context.Parent);
                break;
            case TellChildren tell:
                foreach (var child in Context.GetChildren())
                    child.Tell(tell.Message);
                break;
            case StopChildren:
                foreach (var child in Context.GetChildren())
                    Context.Stop(child);
                break;
            default:
                Context.Parent.Forward(message);
                break;
        }
    }
}

/// <summary>Starts this child in the group and, when given, tells it <paramref name="First"/> (as from the group's parent).</summary>
public sealed record StartChild(Props Props, object? First = null);

/// <summary>Tells every child of the group this message.</summary>
public sealed record TellChildren(object Message);

/// <summary>Stops every child of the group now.</summary>
public sealed record StopChildren
{
    public static readonly StopChildren Instance = new();

    private StopChildren()
    {
    }
}
