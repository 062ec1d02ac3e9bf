using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AkkaSockets.Cli.Tests.Support;

/// <summary>A raw TCP client whose reads wait for bytes or a deadline, never a fixed time.</summary>
internal sealed class TestClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly Socket _socket;

    private TestClient(Socket socket) => _socket = socket;

    public int LocalPort => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public static async Task<TestClient> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var cts = new CancellationTokenSource(Timeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
            return new TestClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task SendAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var cts = new CancellationTokenSource(Timeout);
        var sent = 0;
        while (sent < bytes.Length)
            sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cts.Token);
    }

    public async Task ExpectAsync(string expected)
    {
        var buffer = new byte[Encoding.UTF8.GetByteCount(expected)];
        var read = 0;
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            while (read < buffer.Length)
            {
                var n = await _socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cts.Token);
                Assert.True(n > 0, $"the server closed after {read} bytes of \"{expected}\": \"{Encoding.UTF8.GetString(buffer, 0, read)}\"");
                read += n;
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"timed out waiting for \"{expected}\"; read \"{Encoding.UTF8.GetString(buffer, 0, read)}\"");
        }

        Assert.Equal(expected, Encoding.UTF8.GetString(buffer));
    }

    /// <summary>Whatever the next read brings (empty at end of stream).</summary>
    public async Task<string> ReadSomeAsync()
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(Timeout);
        var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    public async Task ExpectClosedAsync()
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(Timeout);
        var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        Assert.True(n == 0, $"expected the end of stream, read \"{Encoding.UTF8.GetString(buffer, 0, n)}\"");
    }

    public void Dispose() => _socket.Dispose();
}
