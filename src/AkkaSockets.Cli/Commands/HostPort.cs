using System.Net;
using System.Net.Sockets;

namespace AkkaSockets.Cli.Commands;

/// <summary>A configured host and port as messages print them: an IPv6 literal in brackets.</summary>
internal static class HostPort
{
    public static string Format(string host, int port) =>
        IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{address}]:{port}"
            : $"{host}:{port}";
}
