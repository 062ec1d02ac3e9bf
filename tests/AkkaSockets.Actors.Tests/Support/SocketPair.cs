using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AkkaSockets.Actors.Tests.Support;

/// <summary>
/// Both ends of one TCP connection on loopback: <see cref="Local"/> goes to the code under test,
/// <see cref="Peer"/> stays a plain socket driven by the spec. Every read on the peer waits for
/// bytes or a deadline, never a fixed time.
/// </summary>
internal sealed class SocketPair : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private SocketPair(Socket local, Socket peer)
    {
        Local = local;
        Peer = peer;
    }

    /// <summary>The accepted end, for the code under test.</summary>
    public Socket Local { get; }

    /// <summary>The connecting end, driven by the spec.</summary>
    public Socket Peer { get; }

    /// <param name="peerReceiveBuffer">
    /// A fixed receive buffer for the peer (set before connecting, so the window it advertises
    /// never grows): bounds what the kernel holds for a peer that does not read.
    /// </param>
    public static async Task<SocketPair> ConnectAsync(int? peerReceiveBuffer = null)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);

        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (peerReceiveBuffer is { } size)
                peer.ReceiveBufferSize = size;
            using var cts = new CancellationTokenSource(Patience);
            var accept = listener.AcceptAsync(cts.Token);
            await peer.ConnectAsync(listener.LocalEndPoint!, cts.Token);
            var local = await accept;
            return new SocketPair(local, peer);
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    public async Task SendAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(Patience);
        var sent = 0;
        while (sent < bytes.Length)
            sent += await Peer.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cts.Token);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Reads exactly <paramref name="count"/> bytes at the peer, failing at end of stream, a reset or the deadline.</summary>
    public async Task<byte[]> ReadExactlyAsync(int count)
    {
        var buffer = new byte[count];
        var read = 0;
        using var cts = new CancellationTokenSource(Patience);
        try
        {
            while (read < count)
            {
                var n = await Peer.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cts.Token);
                if (n == 0)
                    Assert.Fail($"end of stream after {read} of {count} bytes");
                read += n;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"timed out after {read} of {count} bytes");
        }
        catch (SocketException e)
        {
            Assert.Fail($"{e.SocketErrorCode} after {read} of {count} bytes");
        }

        return buffer;
    }

    public async Task<string> ReadTextAsync(int length) => Encoding.ASCII.GetString(await ReadExactlyAsync(length));

    /// <summary>The other end closed gracefully: the next read at the peer returns 0, no bytes before it.</summary>
    public async Task ExpectEndOfStreamAsync()
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(Patience);
        int n;
        try
        {
            n = await Peer.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("the connection was not closed");
            return;
        }

        Assert.True(n == 0, $"expected the end of stream but read {n} bytes");
    }

    /// <summary>The other end reset the connection: the next read at the peer fails with ConnectionReset.</summary>
    public async Task ExpectResetAsync()
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(Patience);
        var e = await Assert.ThrowsAsync<SocketException>(
            async () => await Peer.ReceiveAsync(buffer, SocketFlags.None, cts.Token));
        Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
    }

    /// <summary>Drops the connection from the peer's side with a TCP reset (RST, no FIN), as a crashed process would.</summary>
    public void ResetFromPeer()
    {
        Peer.LingerState = new LingerOption(true, 0);
        Peer.Close();
    }

    public void Dispose()
    {
        Peer.Dispose();
        Local.Dispose();
    }
}
