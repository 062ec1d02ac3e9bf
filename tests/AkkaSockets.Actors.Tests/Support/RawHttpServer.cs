using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AkkaSockets.Actors.Tests.Support;

/// <summary>
/// A scripted HTTP server on a raw loopback socket (port 0): it reads each request head, then
/// runs the script, which writes whatever bytes a test needs, well formed or not.
/// </summary>
internal sealed class RawHttpServer : LoopbackListener
{
    private readonly Func<NetworkStream, string, CancellationToken, Task> _script;

    private RawHttpServer(Func<NetworkStream, string, CancellationToken, Task> script, IPAddress address)
        : base(address) => _script = script;

    public ConcurrentQueue<string> Requests { get; } = new();

    public static RawHttpServer Start(Func<NetworkStream, string, CancellationToken, Task> script, IPAddress? address = null) =>
        new(script, address ?? IPAddress.Loopback);

    /// <summary>Sends the bytes, then closes (or, if asked, waits for the client to close first).</summary>
    public static RawHttpServer Replying(byte[] response, bool keepOpen = false, IPAddress? address = null) =>
        Start(
            async (stream, _, token) =>
            {
                await stream.WriteAsync(response, token);
                if (keepOpen)
                    await WaitForClientClose(stream, token);
            },
            address);

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static async Task WaitForClientClose(NetworkStream stream, CancellationToken token)
    {
        var buffer = new byte[1024];
        try
        {
            while (await stream.ReadAsync(buffer, token) > 0)
            {
            }
        }
        catch (IOException)
        {
        }
    }

    protected override async Task Serve(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var request = await ReadHead(stream, Stopping.Token);
            Requests.Enqueue(request);
            await _script(stream, request, Stopping.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private static async Task<string> ReadHead(NetworkStream stream, CancellationToken token)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one, token) == 1)
        {
            head.Add(one[0]);
            if (head.Count >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
                break;
        }

        return Encoding.ASCII.GetString(head.ToArray());
    }
}
