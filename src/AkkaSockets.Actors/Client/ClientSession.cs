using System.Net;
using AkkaSockets.Actors.Transport;

namespace AkkaSockets.Actors.Client;

/// <summary>
/// Everything a session needs, shared by all sessions of a run.
/// </summary>
/// <param name="Remote">An <see cref="IPEndPoint"/>, or a <see cref="DnsEndPoint"/> resolved at each connect.</param>
/// <param name="ReportEachStep">Send <see cref="WelcomeReceived"/> and <see cref="ReplyReceived"/> as they happen
/// (the interactive client); a load run gets a <see cref="SessionReplied"/> per reply and the session's outcome.</param>
/// <param name="Transport">How each session connects; every session of a run shares it.</param>
/// <param name="Think">Pause between a reply and the next name (load runs).</param>
public sealed record ClientSession(
    EndPoint Remote,
    GreetingScript Script,
    TimeSpan Timeout,
    TimeSpan ConnectTimeout,
    bool ReportEachStep,
    ITransport Transport,
    TimeSpan Think = default)
{
    public static ClientSession From(ClientSettings settings, bool reportEachStep) => new(
        RemoteFor(settings.Host, settings.Port),
        new GreetingScript(settings.Names, settings.Framing),
        settings.Timeout,
        settings.ConnectTimeout,
        reportEachStep,
        Transports.For(settings.Transport));

    /// <summary>An IP literal as is (IPv6 with or without brackets); anything else is a name to resolve.</summary>
    public static EndPoint RemoteFor(string host, int port)
    {
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(literal, out var address)
            ? new IPEndPoint(address, port)
            : new DnsEndPoint(host, port);
    }
}
