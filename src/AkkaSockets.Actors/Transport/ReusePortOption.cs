using System.Net.Sockets;
using Akka.IO;

namespace AkkaSockets.Actors.Transport;

/// <summary>
/// SO_REUSEPORT before bind: every process that sets it may bind the same address and port, and
/// Linux spreads incoming connections among their listening sockets. Applied by both transports
/// (the direct listener runs each bind option's hook too).
/// </summary>
internal sealed class ReusePortOption : Inet.SocketOption
{
    public static readonly ReusePortOption Instance = new();

    // <sys/socket.h> on Linux; .NET has no SocketOptionName for it.
    private const int SolSocket = 1;
    private const int SoReusePort = 15;

    public override void BeforeServerSocketBind(Socket s)
    {
        if (!OperatingSystem.IsLinux())
            throw new SocketException((int)SocketError.OperationNotSupported);
        s.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
    }
}
