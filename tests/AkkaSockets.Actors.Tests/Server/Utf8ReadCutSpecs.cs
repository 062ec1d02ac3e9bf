using System.Net;
using System.Text;
using Akka.Actor;
using AkkaSockets.Actors.Server;
using AkkaSockets.Actors.Transport;
using AkkaSockets.Protocol.Framing;
using Xunit.Abstractions;

namespace AkkaSockets.Actors.Tests.Server;

public sealed class DirectTransportUtf8ReadCutSpecs(ITestOutputHelper output) : Utf8ReadCutSpecs(output)
{
    protected override TransportKind Transport => TransportKind.Direct;
}

public sealed class AkkaIoTransportUtf8ReadCutSpecs(ITestOutputHelper output) : Utf8ReadCutSpecs(output)
{
    protected override TransportKind Transport => TransportKind.AkkaIo;
}

/// <summary>
/// Chunk framing over real sockets: the server's read size (1024, as the frame limit) falls
/// inside a three-byte character, yet every piece answered is whole UTF-8.
/// </summary>
public abstract class Utf8ReadCutSpecs : Akka.TestKit.Xunit2.TestKit
{
    private const int MaxFrameBytes = 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    protected Utf8ReadCutSpecs(ITestOutputHelper output)
        : base("akka.loglevel = WARNING\nakka.io.tcp.maximum-frame-size = 1024", output)
    {
    }

    protected abstract TransportKind Transport { get; }

    [Fact]
    public async Task A_3000_byte_cjk_name_in_one_write_comes_back_in_pieces_that_each_decode()
    {
        // 1,000 three-byte characters: 1024 = 341 x 3 + 1, so a 1024-byte read ends inside one.
        var name = string.Concat(Enumerable.Range(0, 1000).Select(i => (char)(0x4E00 + (i % 500))));
        var nameBytes = Encoding.UTF8.GetBytes(name);
        Assert.Equal(3000, nameBytes.Length);
        var endPoint = await StartServerAsync();
        using var client = await LoopbackClient.ConnectAsync(endPoint);
        await client.ExpectAsync("Welcome!");

        await client.SendAsync(nameBytes);
        var pieces = new List<string>();
        var received = 0;
        while (received < nameBytes.Length)
        {
            await client.ExpectAsync("Hello, ");
            var piece = await ReadUntilBangAsync(client);
            Assert.InRange(piece.Length, 1, MaxFrameBytes);
            // A strict decoder throws on a piece that starts or ends inside a character.
            pieces.Add(StrictUtf8.GetString(piece));
            received += piece.Length;
        }

        Assert.True(pieces.Count >= 3, $"expected at least 3 pieces, got {pieces.Count}");
        Assert.Equal(name, string.Concat(pieces));
        await client.SendAsync("exit");
        await client.ExpectClosedAsync();
    }

    // A CJK character's bytes are all >= 0x80, so the reply's '!' is the first 0x21 after the piece.
    private static async Task<byte[]> ReadUntilBangAsync(LoopbackClient client)
    {
        var bytes = new List<byte>();
        while (true)
        {
            var next = (await client.ReadExactlyAsync(1))[0];
            if (next == (byte)'!')
                return [.. bytes];
            bytes.Add(next);
            Assert.True(bytes.Count <= MaxFrameBytes, "a reply longer than the frame limit");
        }
    }

    private async Task<IPEndPoint> StartServerAsync()
    {
        var settings = ServerSettings.Default with
        {
            Transport = Transport,
            ReplyDelay = TimeSpan.FromMilliseconds(10),
            Framing = FramingMode.Chunk,
            MaxFrameBytes = MaxFrameBytes,
            ReadBytes = 1024,
            IdleTimeout = null,
        };
        var server = Sys.ActorOf(GreetingServerActor.Props(settings, new IPEndPoint(IPAddress.Loopback, 0)));
        var bound = Assert.IsType<ServerBound>(await server.Ask<object>(AwaitBound.Instance, TimeSpan.FromSeconds(10)));
        return Assert.IsType<IPEndPoint>(bound.LocalAddress);
    }
}
