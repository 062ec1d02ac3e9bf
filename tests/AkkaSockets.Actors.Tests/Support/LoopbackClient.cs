using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AkkaSockets.Actors.Tests.Support;

/// <summary>A raw TCP client for loopback specs: every read waits for bytes or a deadline, never a fixed time.</summary>
internal sealed class LoopbackClient : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;

    private LoopbackClient(Socket socket) => _socket = socket;

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public static async Task<LoopbackClient> ConnectAsync(IPEndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var cts = new CancellationTokenSource(DefaultTimeout);
            await socket.ConnectAsync(server, cts.Token);
            return new LoopbackClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!cancellationToken.CanBeCanceled)
            cts.CancelAfter(DefaultTimeout);
        var sent = 0;
        while (sent < bytes.Length)
            sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cts.Token);
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes, failing at end of stream or the deadline.</summary>
    public async Task<byte[]> ReadExactlyAsync(int count, TimeSpan? timeout = null)
    {
        var buffer = new byte[count];
        var read = 0;
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (read < count)
            {
                var n = await _socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cts.Token);
                if (n == 0)
                    Assert.Fail($"the server closed after {read} of {count} bytes: {Show(buffer.AsSpan(0, read))}");
                read += n;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"timed out after {read} of {count} bytes: {Show(buffer.AsSpan(0, read))}");
        }

        return buffer;
    }

    public async Task ExpectAsync(string expected, TimeSpan? timeout = null) =>
        await ExpectAsync(Encoding.UTF8.GetBytes(expected), timeout);

    public async Task ExpectAsync(byte[] expected, TimeSpan? timeout = null)
    {
        var actual = await ReadExactlyAsync(expected.Length, timeout);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"expected {Show(expected)} but read {Show(actual)}");
    }

    /// <summary>The server closed gracefully: the next read returns 0 with no bytes before it.</summary>
    public async Task ExpectClosedAsync(TimeSpan? timeout = null)
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        int n;
        try
        {
            n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("the server did not close the connection");
            return;
        }

        Assert.True(n == 0, $"expected the end of stream but read {Show(buffer.AsSpan(0, n))}");
    }

    /// <summary>The server ended the connection: a graceful end of stream or a reset, with no bytes before it.</summary>
    public async Task ExpectClosedOrResetAsync(TimeSpan? timeout = null)
    {
        try
        {
            await ExpectClosedAsync(timeout);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
    }

    /// <summary>Half-close: no more bytes from this side, replies still readable.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Drops the connection with a TCP reset, as a crashed client would.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public void Dispose() => _socket.Dispose();

    private static string Show(ReadOnlySpan<byte> bytes) =>
        $"\"{Encoding.UTF8.GetString(bytes).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\" ({bytes.Length} bytes)";
}
