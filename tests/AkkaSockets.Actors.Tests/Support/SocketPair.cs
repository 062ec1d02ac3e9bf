using System.Net;
using System.Net.Sockets;

namespace AkkaSockets.Actors.Tests.Support;

/// <summary>
/// Both ends of one TCP connection on loopback: <see cref="Local"/> goes to the code under test,
/// <see cref="Client"/> is the spec's <see cref="LoopbackClient"/> at the other end.
/// </summary>
internal sealed class SocketPair : IDisposable
{
    public static readonly TimeSpan Patience = LoopbackClient.Patience;

    private SocketPair(Socket local, LoopbackClient client)
    {
        Local = local;
        Client = client;
    }

    /// <summary>The accepted end, for the code under test.</summary>
    public Socket Local { get; }

    /// <summary>The connecting end, driven by the spec.</summary>
    public LoopbackClient Client { get; }

    public Socket Peer => Client.Socket;

    /// <param name="peerReceiveBuffer">A fixed receive buffer for the peer; see <see cref="LoopbackClient.ConnectAsync(EndPoint, int?, CancellationToken)"/>.</param>
    /// <param name="localSendBuffer">A fixed send buffer for the local end (autotuning off), so what the kernel holds does not depend on the host.</param>
    public static async Task<SocketPair> ConnectAsync(int? peerReceiveBuffer = null, int? localSendBuffer = null)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var cts = new CancellationTokenSource(Patience);
        var accept = listener.AcceptAsync(cts.Token);
        var client = await LoopbackClient.ConnectAsync(listener.LocalEndPoint!, peerReceiveBuffer, cts.Token);
        try
        {
            var local = await accept;
            if (localSendBuffer is { } size)
                local.SendBufferSize = size;
            return new SocketPair(local, client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public Task SendAsync(byte[] bytes) => Client.SendAsync(bytes);

    public Task SendAsync(string text) => Client.SendAsync(text);

    public Task<byte[]> ReadExactlyAsync(int count) => Client.ReadExactlyAsync(count);

    public Task<string> ReadTextAsync(int length) => Client.ReadTextAsync(length);

    public Task ExpectEndOfStreamAsync() => Client.ExpectClosedAsync();

    public Task ExpectResetAsync() => Client.ExpectResetAsync();

    public void ResetFromPeer() => Client.Reset();

    public void Dispose()
    {
        Client.Dispose();
        Local.Dispose();
    }
}
