using System.Net;
using System.Net.Sockets;

namespace AkkaSockets.Actors.Tests.Support;

/// <summary>
/// A test server's listening half: a loopback listener on port 0 that serves each accepted
/// client on its own task until disposed; disposing stops accepting and cancels every client's
/// token. Subclasses say what serving a client means.
/// </summary>
internal abstract class LoopbackListener : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Task _loop;

    protected LoopbackListener(IPAddress address)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = AcceptLoop();
    }

    public int Port { get; }

    /// <summary>Cancelled when the server is disposed.</summary>
    protected CancellationTokenSource Stopping { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await Stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        Stopping.Dispose();
    }

    /// <summary>Serves one accepted client; the client is disposed by the caller.</summary>
    protected abstract Task Serve(TcpClient client);

    private async Task AcceptLoop()
    {
        while (!Stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(Stopping.Token);
            _ = Task.Run(async () =>
            {
                using (client)
                    await Serve(client);
            });
        }
    }
}
