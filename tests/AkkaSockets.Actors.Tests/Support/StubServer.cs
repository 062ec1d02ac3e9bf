using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AkkaSockets.Actors.Tests.Support;

/// <summary>
/// A raw TCP server on a free loopback port that plays one scripted conversation per accepted
/// connection, so a test controls exactly how bytes are cut on the wire.
/// </summary>
public sealed class StubServer : IAsyncDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new(Limit);
    private readonly Task _accepting;

    private StubServer(Func<Conversation, Task> script, int connections)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync(script, connections);
    }

    public int Port { get; }

    /// <summary>Serves <paramref name="connections"/> connections (at most), each with the script.</summary>
    public static StubServer Start(Func<Conversation, Task> script, int connections = 1) => new(script, connections);

    /// <summary>Completes when every served conversation has ended; rethrows a script's failure.</summary>
    public Task Served => _accepting;

    private async Task AcceptAsync(Func<Conversation, Task> script, int connections)
    {
        var running = new List<Task>();
        for (var i = 0; i < connections; i++)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            running.Add(RunAsync(socket, script));
        }

        await Task.WhenAll(running);
    }

    private async Task RunAsync(Socket socket, Func<Conversation, Task> script)
    {
        using (socket)
        {
            socket.NoDelay = true;
            await script(new Conversation(socket, _stop.Token));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The test ended before the stub had served everything; that is the test's business.
        }

        _stop.Dispose();
    }

    /// <summary>One accepted connection, seen from the stub's side.</summary>
    public sealed class Conversation
    {
        private readonly Socket _socket;

        public Conversation(Socket socket, CancellationToken cancellation)
        {
            _socket = socket;
            Cancellation = cancellation;
        }

        public CancellationToken Cancellation { get; }

        public async Task SendAsync(string text) =>
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), SocketFlags.None, Cancellation);

        /// <summary>Sends each byte in its own write (NoDelay is on, so each is its own segment).</summary>
        public async Task SendByteByByteAsync(string text)
        {
            foreach (var b in Encoding.UTF8.GetBytes(text))
                await _socket.SendAsync(new[] { b }, SocketFlags.None, Cancellation);
        }

        /// <summary>
        /// Reads as many bytes as <paramref name="expected"/> has in UTF-8, however TCP cuts them,
        /// and fails the script (so <see cref="Served"/>) unless they are exactly those bytes;
        /// returns them as text.
        /// </summary>
        public async Task<string> ReceiveAsync(string expected)
        {
            var buffer = new byte[Encoding.UTF8.GetByteCount(expected)];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await _socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, Cancellation);
                if (n == 0)
                    Assert.Fail($"the client closed after {read} of {buffer.Length} bytes of \"{expected}\": \"{Encoding.UTF8.GetString(buffer, 0, read)}\"");
                read += n;
            }

            var received = Encoding.UTF8.GetString(buffer);
            Assert.True(received == expected, $"the stub expected \"{expected}\" from the client but received \"{received}\"");
            return received;
        }

        /// <summary>Waits until the peer closes or resets (or the stub's time limit).</summary>
        public async Task DrainUntilClosedAsync()
        {
            var buffer = new byte[256];
            try
            {
                while (await _socket.ReceiveAsync(buffer, SocketFlags.None, Cancellation) > 0)
                {
                }
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // An aborted client: closed all the same.
            }
        }

        public void Close() => _socket.Close();
    }
}
