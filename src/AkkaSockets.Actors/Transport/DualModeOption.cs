using System.Net.Sockets;
using Akka.IO;

namespace AkkaSockets.Actors.Transport;

/// <summary>
/// Akka.IO creates the listening socket from the bind address's family and never sets
/// DualMode, so <c>::</c> would refuse IPv4 clients. This turns it on before bind.
/// </summary>
internal sealed class DualModeOption : Inet.SocketOption
{
    public static readonly DualModeOption Instance = new();

    public override void BeforeServerSocketBind(Socket s)
    {
        if (s.AddressFamily == AddressFamily.InterNetworkV6)
            s.DualMode = true;
    }
}
