using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace AkkaSockets.Actors.Dispatch;

/// <summary>
/// An unbounded mailbox whose empty queue costs a few dozen bytes instead of the first segment
/// of a <c>ConcurrentQueue</c>: with Akka 1.5.75, 850 B less per actor (bench/Micro,
/// MailboxBenchmarks). A server holds an actor per connection (two on Akka.IO's transport), so at
/// tens of thousands of connections this is a large share of the memory.
/// </summary>
public sealed class CompactMailbox : MailboxType, IProducesMessageQueue<CompactMessageQueue>
{
    public CompactMailbox()
        : this(null!, null!)
    {
    }

    public CompactMailbox(Settings settings, Config config)
        : base(settings, config)
    {
    }

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CompactMessageQueue();
}

/// <summary>
/// A lock around a small growable ring buffer. Producers are many, the consumer is the one
/// thread running the actor; the lock is held for a few instructions, uncontended in practice.
/// </summary>
#pragma warning disable CA1711 // Akka names its queue types …MessageQueue; this one sits beside them.
public sealed class CompactMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    private readonly Queue<Envelope> _queue = new();
    private volatile int _count;

    public bool HasMessages => _count > 0;

    public int Count => _count;

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_queue)
        {
            _queue.Enqueue(envelope);
            _count = _queue.Count;
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        if (_count == 0)
        {
            envelope = default;
            return false;
        }

        lock (_queue)
        {
            var found = _queue.TryDequeue(out envelope);
            _count = _queue.Count;
            if (_count == 0 && _queue.EnsureCapacity(0) > 32)
                _queue.TrimExcess();
            return found;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
            deadletters.Enqueue(owner, envelope);
    }
}
#pragma warning restore CA1711
