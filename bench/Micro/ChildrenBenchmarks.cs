using Akka.Actor;
using AkkaSockets.Actors.Dispatch;
using BenchmarkDotNet.Attributes;

namespace AkkaSockets.Micro;

/// <summary>
/// Backs Dispatch/ChildGroupActor: Akka keeps an actor's children in an immutable dictionary, so
/// adding or removing a child copies a path whose length grows with the number of children.
/// With <see cref="Resident"/> children already alive (connections in their reply delay),
/// allocated bytes to start and stop one more child, all under one parent or spread over 16
/// groups as the server does. When the 1-group row costs no more than the 16-group row, the
/// groups can go.
/// </summary>
[Config(typeof(MicroConfig))]
#pragma warning disable CA1001 // BenchmarkDotNet ends a benchmark in [GlobalCleanup], which disposes it.
public class ChildrenBenchmarks
#pragma warning restore CA1001
{
    private const int Children = 1000;
    private readonly Countdown _done = new();
    private ActorSystem _system = null!;
    private IActorRef[] _groups = [];
    private Props _transient = null!;

    [Params(1, 16)]
    public int Groups { get; set; }

    [Params(10_000)]
    public int Resident { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystemFixture.Create(ActorSystemFixture.CompactMailbox);
        _groups = Enumerable.Range(0, Groups).Select(_ => _system.ActorOf(ChildGroupActor.Props())).ToArray();
        var resident = Props.Create(() => new ResidentActor(_done));
        _done.Reset(Resident);
        for (var i = 0; i < Resident; i++)
            _groups[i % Groups].Tell(new StartChild(resident));
        _done.Wait();
        _transient = Props.Create(() => new TransientActor(_done));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _system.Terminate().Wait();
        _done.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Children)]
    public void StartAndStopOneChild()
    {
        _done.Reset(Children);
        for (var i = 0; i < Children; i++)
            _groups[i % Groups].Tell(new StartChild(_transient));
        _done.Wait();
    }

    private sealed class ResidentActor(Countdown done) : UntypedActor
    {
        protected override void PreStart() => done.Signal();

        protected override void OnReceive(object message)
        {
        }
    }

    private sealed class TransientActor(Countdown done) : UntypedActor
    {
        protected override void PreStart() => Context.Stop(Self);

        protected override void OnReceive(object message)
        {
        }

        protected override void PostStop() => done.Signal();
    }
}
