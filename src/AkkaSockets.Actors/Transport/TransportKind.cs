namespace AkkaSockets.Actors.Transport;

/// <summary>How connections reach the socket.</summary>
public enum TransportKind
{
    /// <summary>The connection actor owns its socket (<see cref="SocketPort"/>): one actor per connection.</summary>
    Direct,

    /// <summary>Akka.IO's connection actor sits in front of each socket: two actors per connection.</summary>
    AkkaIo,
}
