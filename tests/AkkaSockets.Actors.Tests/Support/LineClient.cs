using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AkkaSockets.Actors.Tests.Support;

/// <summary>A raw loopback client for a line-framed server: reads whole \r\n-terminated replies.</summary>
public sealed class LineClient : IAsyncDisposable
{
    private readonly byte[] _buffer = new byte[4096];
    private readonly List<byte> _pending = [];

    private LineClient(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    public static async Task<LineClient> ConnectAsync(int port, CancellationToken cancel)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancel);
            return new LineClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public Task SendAsync(string text, CancellationToken cancel) => SendAsync(Encoding.UTF8.GetBytes(text), cancel);

    public async Task SendAsync(byte[] bytes, CancellationToken cancel)
    {
        var sent = 0;
        while (sent < bytes.Length)
            sent += await Socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cancel);
    }

    /// <summary>The next reply without its \r\n, or null at end of stream.</summary>
    public async Task<byte[]?> ReadLineAsync(CancellationToken cancel)
    {
        while (true)
        {
            var end = _pending.IndexOf((byte)'\n');
            if (end >= 0)
            {
                var line = _pending.GetRange(0, end).ToArray();
                _pending.RemoveRange(0, end + 1);
                return line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
            }

            var read = await Socket.ReceiveAsync(_buffer, SocketFlags.None, cancel);
            if (read == 0)
                return null;
            _pending.AddRange(_buffer.AsSpan(0, read));
        }
    }

    public async Task<string?> ReadTextLineAsync(CancellationToken cancel) =>
        await ReadLineAsync(cancel) is { } line ? Encoding.UTF8.GetString(line) : null;

    /// <summary>True once the server has closed: end of stream or a reset, with nothing unread before it.</summary>
    public async Task<bool> ReadsEndAsync(CancellationToken cancel)
    {
        try
        {
            return _pending.Count == 0 && await Socket.ReceiveAsync(_buffer, SocketFlags.None, cancel) == 0;
        }
        catch (SocketException)
        {
            return _pending.Count == 0;
        }
    }

    public ValueTask DisposeAsync()
    {
        Socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
