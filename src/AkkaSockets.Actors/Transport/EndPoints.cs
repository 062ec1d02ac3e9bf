using System.Globalization;
using System.Net;

namespace AkkaSockets.Actors.Transport;

public static class EndPoints
{
    /// <summary><c>IP:PORT</c>, IPv6 as <c>[::1]:PORT</c>; IPv4 clients of a dual-stack listener print as IPv4.</summary>
    public static string Format(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip when ip.Address.IsIPv4MappedToIPv6 => Format(new IPEndPoint(ip.Address.MapToIPv4(), ip.Port)),
        IPEndPoint { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } ip =>
            string.Create(CultureInfo.InvariantCulture, $"[{ip.Address}]:{ip.Port}"),
        IPEndPoint ip => string.Create(CultureInfo.InvariantCulture, $"{ip.Address}:{ip.Port}"),
        DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{dns.Port}"),
        _ => endPoint.ToString() ?? "?",
    };

    /// <summary>
    /// The address to bind for a host: a literal as is, a name resolved with IPv4 first
    /// (as <c>localhost</c> users expect 127.0.0.1).
    /// </summary>
    public static async Task<IPEndPoint> ResolveBindAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(literal, out var address))
            return new IPEndPoint(address, port);

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound);
        return new IPEndPoint(chosen, port);
    }
}
