using Akka.Actor;
using Akka.Configuration;

namespace AkkaSockets.Micro;

/// <summary>
/// One actor system per benchmark class, quiet, with the project's scheduler and the given
/// default mailbox, and a way to wait until a batch of actors has done its work.
/// </summary>
internal static class ActorSystemFixture
{
    public const string AkkaMailbox = "Akka.Dispatch.UnboundedMailbox, Akka";
    public const string CompactMailbox = "AkkaSockets.Actors.Dispatch.CompactMailbox, AkkaSockets.Actors";

    public static ActorSystem Create(string mailboxType) => ActorSystem.Create("micro", ConfigurationFactory.ParseString($$"""
        akka.loglevel = ERROR
        akka.stdout-loglevel = ERROR
        akka.log-dead-letters = off
        akka.actor.default-mailbox.mailbox-type = "{{mailboxType}}"
        """));
}

/// <summary>Counts actors down to zero; the benchmark thread waits on it.</summary>
public sealed class Countdown : IDisposable
{
    private readonly CountdownEvent _event = new(0);

    public void Reset(int count) => _event.Reset(count);

    public void Signal() => _event.Signal();

    public void Wait()
    {
        if (!_event.Wait(TimeSpan.FromSeconds(30)))
            throw new TimeoutException("actors did not finish within 30 s");
    }

    public void Dispose() => _event.Dispose();
}
