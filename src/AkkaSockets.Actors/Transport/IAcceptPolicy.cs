namespace AkkaSockets.Actors.Transport;

/// <summary>
/// What a listener does with a client the moment it accepts it, before any actor hears of it:
/// admit it and write <see cref="Welcome"/> at once, or write <see cref="Busy"/> and close it.
/// A listener's accept loop calls it from its own thread, so implementations are thread-safe.
/// <para>
/// The first line then leaves right after the kernel's accept, not after the actor hops that
/// start the connection's actor; the actor takes over a connection whose welcome is written
/// (<see cref="ConnectionAccepted.Admitted"/>). A transport that cannot write before its
/// connection actor exists (Akka.IO) ignores the policy and hands every client over unadmitted.
/// </para>
/// </summary>
public interface IAcceptPolicy
{
    /// <summary>The first bytes every admitted client gets.</summary>
    byte[] Welcome { get; }

    /// <summary>What a refused client gets before the close.</summary>
    byte[] Busy { get; }

    /// <summary>True: admitted (counted as open until its handler says it ended). False: refuse it.</summary>
    bool TryAdmit();

    /// <summary>An admitted client was lost before anyone took it over (its welcome could not be written).</summary>
    void Lost();
}
