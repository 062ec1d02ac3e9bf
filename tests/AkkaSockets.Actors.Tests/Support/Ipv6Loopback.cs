using System.Net;
using System.Net.Sockets;

namespace AkkaSockets.Actors.Tests.Support;

/// <summary>
/// The IPv6 specs need ::1. Containers often run without it; then those specs fail with this one
/// line instead of a socket stack trace (never skipped: an unchecked promise is not a pass).
/// </summary>
public static class Ipv6Loopback
{
    public const string Missing =
        "this host has no IPv6 loopback (::1): the IPv6 specs cannot run here; enable IPv6 on lo (sysctl net.ipv6.conf.lo.disable_ipv6=0)";

    private static readonly Lazy<bool> Present = new(Probe);

    /// <summary>Fails the calling test with <see cref="Missing"/> unless a socket can bind to [::1].</summary>
    public static void Require()
    {
        if (!Present.Value)
            Assert.Fail(Missing);
    }

    private static bool Probe()
    {
        if (!Socket.OSSupportsIPv6)
            return false;
        try
        {
            using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
