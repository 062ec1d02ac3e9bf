using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AkkaSockets.Actors.Tests.Support;

/// <summary>
/// The one raw TCP client of the socket and process specs: every read waits for bytes or a
/// deadline, never a fixed time, and every failed expectation says what did arrive.
/// </summary>
public sealed class LoopbackClient : IDisposable, IAsyncDisposable
{
    /// <summary>How long one read, write or connect may take on a loaded machine before the spec fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly byte[] _buffer = new byte[4096];
    private readonly List<byte> _pending = [];

    private LoopbackClient(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    public IPEndPoint LocalEndPoint => (IPEndPoint)Socket.LocalEndPoint!;

    public int LocalPort => LocalEndPoint.Port;

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>.</summary>
    public static Task<LoopbackClient> ConnectAsync(int port, CancellationToken cancel = default) =>
        ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancel: cancel);

    /// <param name="receiveBuffer">
    /// A fixed receive buffer (set before connecting, so the window it advertises never grows):
    /// bounds what the kernel holds for a client that does not read.
    /// </param>
    public static async Task<LoopbackClient> ConnectAsync(EndPoint server, int? receiveBuffer = null, CancellationToken cancel = default)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (receiveBuffer is { } size)
                socket.ReceiveBufferSize = size;
            using var cts = Deadline(null, cancel);
            await socket.ConnectAsync(server, cts.Token);
            return new LoopbackClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public Task SendAsync(string text, CancellationToken cancel = default) => SendAsync(Encoding.UTF8.GetBytes(text), cancel);

    public async Task SendAsync(byte[] bytes, CancellationToken cancel = default)
    {
        using var cts = Deadline(null, cancel);
        var sent = 0;
        while (sent < bytes.Length)
            sent += await Socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cts.Token);
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes, failing at end of stream, a reset or the deadline.</summary>
    public async Task<byte[]> ReadExactlyAsync(int count, TimeSpan? timeout = null)
    {
        using var cts = Deadline(timeout, default);
        try
        {
            while (_pending.Count < count)
            {
                if (await FillAsync(cts.Token) == 0)
                    Assert.Fail($"the peer closed after {_pending.Count} of {count} bytes: {Show([.. _pending])}");
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"timed out after {_pending.Count} of {count} bytes: {Show([.. _pending])}");
        }
        catch (SocketException e)
        {
            Assert.Fail($"{e.SocketErrorCode} after {_pending.Count} of {count} bytes: {Show([.. _pending])}");
        }

        return Take(count);
    }

    public async Task<string> ReadTextAsync(int length) => Encoding.UTF8.GetString(await ReadExactlyAsync(length));

    public Task ExpectAsync(string expected, TimeSpan? timeout = null) => ExpectAsync(Encoding.UTF8.GetBytes(expected), timeout);

    public async Task ExpectAsync(byte[] expected, TimeSpan? timeout = null)
    {
        var actual = await ReadExactlyAsync(expected.Length, timeout);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"expected {Show(expected)} but read {Show(actual)}");
    }

    /// <summary>Whatever the next read brings (empty at end of stream).</summary>
    public async Task<string> ReadSomeAsync()
    {
        if (_pending.Count == 0)
        {
            using var cts = Deadline(null, default);
            await FillAsync(cts.Token);
        }

        return Encoding.UTF8.GetString(Take(_pending.Count));
    }

    /// <summary>The next \n-terminated line without its \r\n, or null at end of stream.</summary>
    public async Task<byte[]?> ReadLineAsync(CancellationToken cancel)
    {
        while (true)
        {
            var end = _pending.IndexOf((byte)'\n');
            if (end >= 0)
            {
                var line = Take(end + 1)[..^1];
                return line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
            }

            if (await FillAsync(cancel) == 0)
                return null;
        }
    }

    public async Task<string?> ReadTextLineAsync(CancellationToken cancel) =>
        await ReadLineAsync(cancel) is { } line ? Encoding.UTF8.GetString(line) : null;

    /// <summary>True once the peer has closed: end of stream or a reset, with nothing unread before it.</summary>
    public async Task<bool> ReadsEndAsync(CancellationToken cancel)
    {
        try
        {
            return _pending.Count == 0 && await FillAsync(cancel) == 0;
        }
        catch (SocketException)
        {
            return _pending.Count == 0;
        }
    }

    /// <summary>The peer closed gracefully: the next read returns 0 with no bytes before it.</summary>
    public async Task ExpectClosedAsync(TimeSpan? timeout = null)
    {
        using var cts = Deadline(timeout, default);
        try
        {
            var n = _pending.Count > 0 ? _pending.Count : await FillAsync(cts.Token);
            Assert.True(n == 0, $"expected the end of stream but read {Show(Take(_pending.Count))}");
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("the peer did not close the connection");
        }
    }

    /// <summary>The peer ended the connection: a graceful end of stream or a reset, with no bytes before it.</summary>
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

    /// <summary>The peer reset the connection: the next read fails with ConnectionReset.</summary>
    public async Task ExpectResetAsync()
    {
        using var cts = Deadline(null, default);
        var e = await Assert.ThrowsAsync<SocketException>(async () => await FillAsync(cts.Token));
        Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
    }

    /// <summary>Half-close: no more bytes from this side, replies still readable.</summary>
    public void ShutdownSend() => Socket.Shutdown(SocketShutdown.Send);

    /// <summary>Drops the connection with a TCP reset (RST, no FIN), as a crashed client would.</summary>
    public void Reset()
    {
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Close();
    }

    public void Dispose() => Socket.Dispose();

    public ValueTask DisposeAsync()
    {
        Socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<int> FillAsync(CancellationToken cancel)
    {
        var n = await Socket.ReceiveAsync(_buffer, SocketFlags.None, cancel);
        _pending.AddRange(_buffer.AsSpan(0, n));
        return n;
    }

    private byte[] Take(int count)
    {
        var taken = _pending.GetRange(0, count).ToArray();
        _pending.RemoveRange(0, count);
        return taken;
    }

    private static CancellationTokenSource Deadline(TimeSpan? timeout, CancellationToken cancel)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (!cancel.CanBeCanceled || timeout is not null)
            cts.CancelAfter(timeout ?? Patience);
        return cts;
    }

    private static string Show(ReadOnlySpan<byte> bytes) =>
        $"\"{Encoding.UTF8.GetString(bytes).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\" ({bytes.Length} bytes)";
}
