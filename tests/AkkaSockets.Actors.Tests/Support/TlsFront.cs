using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace AkkaSockets.Actors.Tests.Support;

/// <summary>
/// A TLS server on 127.0.0.1 port 0 in front of a plain one: each connection is handshaken with
/// the given certificate, then its bytes are passed both ways. The plain server's end is passed on
/// as it happened: a close as TLS close_notify then FIN, a reset as a reset. Any scripted
/// <see cref="RawHttpServer"/> is thereby also an https:// server, byte for byte the same.
/// </summary>
internal sealed class TlsFront : LoopbackListener
{
    private readonly X509Certificate2 _certificate;
    private readonly int _backendPort;

    public TlsFront(X509Certificate2 certificate, int backendPort)
        : base(IPAddress.Loopback)
    {
        _certificate = certificate;
        _backendPort = backendPort;
    }

    public string Url(string path, string host = "127.0.0.1") => $"https://{host}:{Port}{path}";

    protected override async Task Serve(TcpClient client)
    {
        using (var backend = new TcpClient())
        {
            try
            {
                await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: true);
                using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(Stopping.Token))
                {
                    handshake.CancelAfter(TimeSpan.FromSeconds(20));
                    await tls.AuthenticateAsServerAsync(
                        new SslServerAuthenticationOptions { ServerCertificate = _certificate, EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 },
                        handshake.Token);
                }

                await backend.ConnectAsync(IPAddress.Loopback, _backendPort, Stopping.Token);
                var plain = backend.GetStream();
                var upstream = Pump(tls, plain, () => backend.Client.Shutdown(SocketShutdown.Send));
                try
                {
                    await plain.CopyToAsync(tls, Stopping.Token);
                    await tls.ShutdownAsync();
                    client.Client.Shutdown(SocketShutdown.Send);
                }
                catch (IOException)
                {
                    // The plain server reset its connection: reset ours too.
                    client.Client.LingerState = new LingerOption(enable: true, seconds: 0);
                    client.Client.Close();
                    return;
                }

                await upstream;
            }
            catch (Exception e) when (e is IOException or AuthenticationException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task Pump(Stream from, Stream to, Action ended)
    {
        try
        {
            await from.CopyToAsync(to, Stopping.Token);
            ended();
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
