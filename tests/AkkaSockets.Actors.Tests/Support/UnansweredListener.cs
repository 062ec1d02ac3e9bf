using System.Net;
using System.Net.Sockets;

namespace AkkaSockets.Actors.Tests.Support;

/// <summary>
/// A loopback listener that never accepts, with its backlog filled: the kernel drops further
/// SYNs, so a connect to it neither succeeds nor is refused until the caller gives up.
/// </summary>
internal sealed class UnansweredListener : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _fillers = [];

    private UnansweredListener()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public static async Task<UnansweredListener> StartAsync()
    {
        var listener = new UnansweredListener();
        // Connect until one connect hangs: from then on the queue is full.
        for (var i = 0; i < 64; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener._fillers.Add(filler);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                await filler.ConnectAsync(IPAddress.Loopback, listener.Port, wait.Token);
            }
            catch (OperationCanceledException)
            {
                return listener;
            }
        }

        listener.Dispose();
        throw new InvalidOperationException("the listen backlog never filled up");
    }

    public void Dispose()
    {
        foreach (var filler in _fillers)
            filler.Dispose();
        _listener.Dispose();
    }
}
