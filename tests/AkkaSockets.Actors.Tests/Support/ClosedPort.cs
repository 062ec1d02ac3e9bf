using System.Net;
using System.Net.Sockets;

namespace AkkaSockets.Actors.Tests.Support;

/// <summary>
/// A loopback port that refuses connections for as long as this object lives: the socket is
/// bound, so no other test (or program) can take the port, and never listens, so the kernel
/// answers every connect with a reset. Releasing a port and hoping it stays free is a race.
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    public override string ToString() => Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _socket.Dispose();
}
