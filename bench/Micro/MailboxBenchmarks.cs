using Akka.Actor;
using BenchmarkDotNet.Attributes;

namespace AkkaSockets.Micro;

/// <summary>
/// Backs Dispatch/CompactMailbox: Akka's default unbounded mailbox keeps a ConcurrentQueue whose
/// first segment is allocated with the actor, used or not. Allocated bytes per actor life (start,
/// one message, stop) with each mailbox as the default; the difference is what CompactMailbox
/// saves per connection.
/// </summary>
[Config(typeof(MicroConfig))]
#pragma warning disable CA1001 // BenchmarkDotNet ends a benchmark in [GlobalCleanup], which disposes it.
public class MailboxBenchmarks
#pragma warning restore CA1001
{
    private const int Actors = 1000;
    private readonly Countdown _done = new();
    private ActorSystem _system = null!;
    private Props _props = null!;

    [Params("Akka", "Compact")]
    public string Mailbox { get; set; } = "Akka";

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystemFixture.Create(Mailbox == "Akka" ? ActorSystemFixture.AkkaMailbox : ActorSystemFixture.CompactMailbox);
        _props = Props.Create(() => new OneMessageActor(_done));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _system.Terminate().Wait();
        _done.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Actors)]
    public void ActorLife()
    {
        _done.Reset(Actors);
        for (var i = 0; i < Actors; i++)
            _system.ActorOf(_props).Tell(i);
        _done.Wait();
    }

    private sealed class OneMessageActor(Countdown done) : UntypedActor
    {
        protected override void OnReceive(object message) => Context.Stop(Self);

        protected override void PostStop() => done.Signal();
    }
}
