using System.Net;
using Akka.Actor;
using Akka.IO;

namespace AkkaSockets.Actors.Transport;

/// <summary>The one place that turns the configured <see cref="TransportKind"/> into a transport.</summary>
public static class Transports
{
    public static ITransport For(TransportKind kind) => kind switch
    {
        TransportKind.Direct => DirectTransport.Instance,
        TransportKind.AkkaIo => AkkaIoTransport.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown transport"),
    };

    /// <summary>The bind both listeners perform: pull mode, dual-stack when binding <c>::</c>, SO_REUSEPORT when asked.</summary>
    internal static Tcp.Bind Bind(IActorRef handler, IPEndPoint address, int backlog, bool reusePort)
    {
        var options = new List<Inet.SocketOption>(2);
        if (address.Address.Equals(IPAddress.IPv6Any))
            options.Add(DualModeOption.Instance);
        if (reusePort)
            options.Add(ReusePortOption.Instance);
        return new Tcp.Bind(handler, address, backlog, options, pullMode: true);
    }
}
