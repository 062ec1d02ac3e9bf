using Akka.Actor;
using Akka.TestKit;
using AkkaSockets.Actors.Dispatch;
using Xunit.Abstractions;

namespace AkkaSockets.Actors.Tests.Dispatch;

/// <summary>
/// <see cref="ChildGroupActor"/> as a child of the test actor (so the test actor is the group's
/// parent), and <see cref="ChildGroups"/> inside a small owner actor. Children report to a probe.
/// </summary>
public sealed class ChildGroupSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    public ChildGroupSpecs(ITestOutputHelper output)
        : base("akka.loglevel = ERROR", output)
    {
    }

    [Fact]
    public async Task StartChild_starts_each_child_under_the_group()
    {
        var reporter = CreateTestProbe();
        var group = ChildActorOf(ChildGroupActor.Props(), "group");

        var children = await StartChildrenAsync(group, reporter, 3);

        Assert.Equal(3, children.Count);
        Assert.All(children.Values, parent => Assert.Equal(group, parent));
    }

    [Fact]
    public async Task TellChildren_reaches_every_child_of_the_group()
    {
        var reporter = CreateTestProbe();
        var group = ChildActorOf(ChildGroupActor.Props(), "group");
        var children = await StartChildrenAsync(group, reporter, 3);

        group.Tell(new TellChildren("ping"));

        var heard = await HeardAsync(reporter, 3);
        Assert.Equal(children.Keys.ToHashSet(), heard.Select(h => h.Child).ToHashSet());
        Assert.All(heard, h => Assert.Equal("ping", h.Message));
        await reporter.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task StopChildren_stops_every_child_and_the_group_keeps_serving()
    {
        var reporter = CreateTestProbe();
        var group = ChildActorOf(ChildGroupActor.Props(), "group");
        var children = await StartChildrenAsync(group, reporter, 3);
        foreach (var child in children.Keys)
            Watch(child);

        group.Tell(StopChildren.Instance);

        var stopped = new HashSet<IActorRef>();
        for (var i = 0; i < 3; i++)
            stopped.Add((await ExpectMsgAsync<Terminated>(Patience)).ActorRef);
        Assert.Equal(children.Keys.ToHashSet(), stopped);
        var again = await StartChildrenAsync(group, reporter, 1);
        Assert.Equal(group, again.Values.Single());
    }

    [Fact]
    public async Task A_message_a_child_sends_its_parent_reaches_the_groups_parent_with_the_child_as_sender()
    {
        var reporter = CreateTestProbe();
        var group = ChildActorOf(ChildGroupActor.Props(), "group");
        var child = (await StartChildrenAsync(group, reporter, 1)).Keys.Single();

        child.Tell(new ToParent("done"));

        await ExpectMsgAsync("done", Patience);
        Assert.Equal(child, LastSender);
    }

    [Fact]
    public async Task A_child_that_throws_is_stopped_not_restarted()
    {
        var reporter = CreateTestProbe();
        var group = ChildActorOf(ChildGroupActor.Props(), "group");
        var children = await StartChildrenAsync(group, reporter, 2);
        var (failing, healthy) = (children.Keys.First(), children.Keys.Last());
        Watch(failing);

        failing.Tell(Fail.Instance);

        await ExpectTerminatedAsync(failing, Patience);
        // A restart would start it again and report so.
        await reporter.ExpectNoMsgAsync(Quiet);
        group.Tell(new TellChildren("ping"));
        var heard = Assert.Single(await HeardAsync(reporter, 1));
        Assert.Equal(healthy, heard.Child);
    }

    [Fact]
    public async Task ChildGroups_spreads_children_over_its_groups_in_turn_and_reaches_or_stops_them_all()
    {
        var reporter = CreateTestProbe();
        var owner = Sys.ActorOf(Akka.Actor.Props.Create(() => new Owner(TestActor)), "owner");

        for (var i = 0; i < 4; i++)
            owner.Tell(new StartOne(ChildProps(reporter)));
        var children = new Dictionary<IActorRef, IActorRef>();
        for (var i = 0; i < 4; i++)
        {
            var started = await reporter.ExpectMsgAsync<Started>(Patience);
            children.Add(started.Child, started.Parent);
        }

        Assert.All(children.Values, group => Assert.Equal(owner.Path, group.Path.Parent));
        Assert.Equal(
            new[] { "group-0", "group-0", "group-1", "group-1" },
            children.Values.Select(group => group.Path.Name).Order(StringComparer.Ordinal));

        owner.Tell(new TellAll("ping"));
        var heard = await HeardAsync(reporter, 4);
        Assert.Equal(children.Keys.ToHashSet(), heard.Select(h => h.Child).ToHashSet());

        // A child's word to its parent goes through the group to the owner, sender kept.
        var first = children.Keys.First();
        first.Tell(new ToParent("done"));
        await ExpectMsgAsync("done", Patience);
        Assert.Equal(first, LastSender);

        foreach (var child in children.Keys)
            Watch(child);
        owner.Tell(StopAll.Instance);
        var stopped = new HashSet<IActorRef>();
        for (var i = 0; i < 4; i++)
            stopped.Add((await ExpectMsgAsync<Terminated>(Patience)).ActorRef);
        Assert.Equal(children.Keys.ToHashSet(), stopped);
    }

    /// <summary>Starts <paramref name="count"/> children in the group; each child and the parent it reported.</summary>
    private static async Task<Dictionary<IActorRef, IActorRef>> StartChildrenAsync(IActorRef group, TestProbe reporter, int count)
    {
        for (var i = 0; i < count; i++)
            group.Tell(new StartChild(ChildProps(reporter)));
        var children = new Dictionary<IActorRef, IActorRef>();
        for (var i = 0; i < count; i++)
        {
            var started = await reporter.ExpectMsgAsync<Started>(Patience);
            children.Add(started.Child, started.Parent);
        }

        return children;
    }

    private static async Task<List<Heard>> HeardAsync(TestProbe reporter, int count)
    {
        var heard = new List<Heard>();
        for (var i = 0; i < count; i++)
            heard.Add(await reporter.ExpectMsgAsync<Heard>(Patience));
        return heard;
    }

    private static Props ChildProps(TestProbe reporter)
    {
        var reportTo = reporter.Ref;
        return Akka.Actor.Props.Create(() => new Child(reportTo));
    }

    private sealed record Started(IActorRef Child, IActorRef Parent);

    private sealed record Heard(IActorRef Child, object Message);

    private sealed record ToParent(object Message);

    private sealed record StartOne(Props Props);

    private sealed record TellAll(object Message);

    private sealed class StopAll
    {
        public static readonly StopAll Instance = new();
    }

    private sealed class Fail
    {
        public static readonly Fail Instance = new();
    }

    /// <summary>Reports its start (with its parent) and every message; on <see cref="ToParent"/> tells its parent.</summary>
    private sealed class Child(IActorRef reporter) : UntypedActor
    {
        protected override void PreStart() => reporter.Tell(new Started(Self, Context.Parent));

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Fail:
                    throw new InvalidOperationException("this child fails on purpose");
                case ToParent toParent:
                    Context.Parent.Tell(toParent.Message);
                    break;
                default:
                    reporter.Tell(new Heard(Self, message));
                    break;
            }
        }
    }

    /// <summary>Owns a <see cref="ChildGroups"/> of two; forwards what reaches it from the groups to <c>parentRole</c>.</summary>
    private sealed class Owner(IActorRef parentRole) : UntypedActor
    {
        private readonly ChildGroups _groups = new(2, "group");

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case StartOne start:
                    _groups.Start(Context, start.Props);
                    break;
                case TellAll tell:
                    _groups.TellAll(tell.Message);
                    break;
                case StopAll:
                    _groups.StopAll();
                    break;
                default:
                    parentRole.Forward(message);
                    break;
            }
        }
    }
}
