using Akka.Actor;

namespace AkkaSockets.Actors.Server;

/// <summary>
/// Counters the server's connections bump without a message to anyone (one per actor system,
/// so several nodes in one process keep their own): read by the cluster's shared figures.
/// </summary>
public sealed class ServerCounters : IExtension
{
    private long _replies;

    public long Replies => Interlocked.Read(ref _replies);

    public static ServerCounters For(ActorSystem system) => system.WithExtension<ServerCounters, Provider>();

    public void Replied() => Interlocked.Increment(ref _replies);

    public sealed class Provider : ExtensionIdProvider<ServerCounters>
    {
        public override ServerCounters CreateExtension(ExtendedActorSystem system) => new();
    }
}
