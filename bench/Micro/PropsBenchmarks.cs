using Akka.Actor;
using AkkaSockets.Actors.Dispatch;
using BenchmarkDotNet.Attributes;

namespace AkkaSockets.Micro;

/// <summary>
/// Backs Dispatch/DelegateProducer: <c>Props.Create(() => new …)</c> takes an expression tree and
/// evaluates it on every call; the server builds one Props per accepted connection and the load
/// generator one per session. Allocated bytes and time per Props.
/// </summary>
[Config(typeof(MicroConfig))]
public class PropsBenchmarks
{
    private readonly object _argument = new();

    [Benchmark(Baseline = true)]
    public Props ExpressionProps() => Props.Create(() => new PropsTarget(_argument));

    [Benchmark]
    public Props DelegateProps() => DelegateProducer<PropsTarget>.Props(() => new PropsTarget(_argument));
}

/// <summary>An actor with one constructor argument, as ConnectionActor has several.</summary>
public sealed class PropsTarget(object argument) : UntypedActor
{
    protected override void OnReceive(object message) => Unhandled((message, argument));
}
