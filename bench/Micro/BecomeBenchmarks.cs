using Akka.Actor;
using BenchmarkDotNet.Attributes;

namespace AkkaSockets.Micro;

/// <summary>
/// Backs "a flag, not Become" in ConnectionActor and GreetingClientActor: an actor that switches
/// behaviour once costs a full state object (dictionaries, a set and a behaviour stack) on top of
/// the default one. Allocated bytes per actor life (start, one message, stop); the difference
/// between the two rows is the cost of the second behaviour. When it shrinks to ~0 after an Akka
/// upgrade, the phase fields can become Become again.
/// </summary>
[Config(typeof(MicroConfig))]
#pragma warning disable CA1001 // BenchmarkDotNet ends a benchmark in [GlobalCleanup], which disposes it.
public class BecomeBenchmarks
#pragma warning restore CA1001
{
    private const int Actors = 1000;
    private readonly Countdown _done = new();
    private ActorSystem _system = null!;
    private Props _flag = null!;
    private Props _become = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystemFixture.Create(ActorSystemFixture.AkkaMailbox);
        _flag = Props.Create(() => new FlagActor(_done));
        _become = Props.Create(() => new BecomeActor(_done));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _system.Terminate().Wait();
        _done.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Actors)]
    public void PhaseField() => Run(_flag);

    [Benchmark(OperationsPerInvoke = Actors)]
    public void BecomeOnce() => Run(_become);

    private void Run(Props props)
    {
        _done.Reset(Actors);
        for (var i = 0; i < Actors; i++)
            _system.ActorOf(props).Tell(Go.Instance);
        _done.Wait();
    }

    private sealed class Go
    {
        public static readonly Go Instance = new();
    }

    private sealed class FlagActor(Countdown done) : UntypedActor
    {
        private bool _second;

        protected override void OnReceive(object message)
        {
            _second = !_second;
            Context.Stop(Self);
        }

        protected override void PostStop() => done.Signal();
    }

    private sealed class BecomeActor(Countdown done) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            Become(Second);
            Context.Stop(Self);
        }

        private void Second(object message)
        {
        }

        protected override void PostStop() => done.Signal();
    }
}
