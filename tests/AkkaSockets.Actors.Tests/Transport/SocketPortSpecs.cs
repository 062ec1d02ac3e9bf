using System.Net.Sockets;
using System.Text;
using Akka.IO;
using Akka.TestKit;
using AkkaSockets.Actors.Transport;
using Xunit.Abstractions;

namespace AkkaSockets.Actors.Tests.Transport;

/// <summary>
/// <see cref="SocketPort"/> over a real loopback connection, a test probe as its handler and a
/// plain socket as the peer. The spec calls the port from one thread, as its owning actor would.
/// Every wait is bounded: a probe expectation with a timeout, or a peer read with a deadline.
/// "Nothing arrives" is checked only once the bytes that could cause it are known to be in the
/// kernel (<see cref="Socket.Available"/>), so a quiet period is evidence, not a guess.
/// </summary>
public sealed class SocketPortSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = SocketPair.Patience;
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Many times what the kernel can hold for the big-write specs: the peer's fixed receive
    /// buffer plus the local socket's fixed send buffer (both set explicitly, so the host's
    /// autotuning ceiling, net.core.wmem_max and tcp_wmem, does not matter; Linux doubles a set
    /// size and caps it at twice wmem_max, which only makes it smaller).
    /// </summary>
    private const int BigWrite = 8 * 1024 * 1024;

    private const int SmallPeerReceiveBuffer = 64 * 1024;

    private const int FixedLocalSendBuffer = 256 * 1024;

    public SocketPortSpecs(ITestOutputHelper output)
        : base("akka.loglevel = WARNING", output)
    {
    }

    [Fact]
    public async Task In_pull_mode_nothing_is_read_before_ResumeReading_and_each_ResumeReading_reads_once()
    {
        using var pair = await SocketPair.ConnectAsync();
        using var port = new SocketPort(pair.Local, readSize: 1024, pullMode: true);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: true);

        await pair.SendAsync("first");
        await AvailableAsync(pair, 5);
        await handler.ExpectNoMsgAsync(Quiet);

        port.ResumeReading();
        Assert.Equal("first", Text(await handler.ExpectMsgAsync<Tcp.Received>(Patience)));
        await pair.SendAsync("second");
        await AvailableAsync(pair, 6);
        await handler.ExpectNoMsgAsync(Quiet);

        port.ResumeReading();
        Assert.Equal("second", Text(await handler.ExpectMsgAsync<Tcp.Received>(Patience)));
        await handler.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task In_pull_mode_a_second_ResumeReading_while_a_read_waits_changes_nothing()
    {
        using var pair = await SocketPair.ConnectAsync();
        using var port = new SocketPort(pair.Local, readSize: 1024, pullMode: true);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: true);

        // Nothing to read yet: the first waits, the second must neither throw nor read twice.
        port.ResumeReading();
        port.ResumeReading();
        await pair.SendAsync("once");
        Assert.Equal("once", Text(await handler.ExpectMsgAsync<Tcp.Received>(Patience)));

        await pair.SendAsync("later");
        await AvailableAsync(pair, 5);
        await handler.ExpectNoMsgAsync(Quiet);
        port.ResumeReading();
        Assert.Equal("later", Text(await handler.ExpectMsgAsync<Tcp.Received>(Patience)));
    }

    [Fact]
    public async Task In_pull_mode_two_writes_from_the_peer_arrive_in_order_only_as_far_as_each_ResumeReading_allows()
    {
        using var pair = await SocketPair.ConnectAsync();
        using var port = new SocketPort(pair.Local, readSize: 4, pullMode: true);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: true);

        await pair.SendAsync("abcdef");
        await pair.SendAsync("ghij");
        await AvailableAsync(pair, 10);

        // A stream has no message boundaries: the second read spans both of the peer's writes.
        foreach (var expected in new[] { "abcd", "efgh", "ij" })
        {
            port.ResumeReading();
            Assert.Equal(expected, Text(await handler.ExpectMsgAsync<Tcp.Received>(Patience)));
            await handler.ExpectNoMsgAsync(Quiet);
        }
    }

    [Fact]
    public async Task In_pull_mode_a_read_never_carries_more_than_readSize_bytes()
    {
        using var pair = await SocketPair.ConnectAsync();
        using var port = new SocketPort(pair.Local, readSize: 1024, pullMode: true);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: true);
        var input = Bytes(5000, seed: 1);

        await pair.SendAsync(input);
        await AvailableAsync(pair, input.Length);

        var received = new List<byte>();
        var reads = 0;
        while (received.Count < input.Length)
        {
            port.ResumeReading();
            var chunk = (await handler.ExpectMsgAsync<Tcp.Received>(Patience)).Data.ToArray();
            Assert.InRange(chunk.Length, 1, 1024);
            received.AddRange(chunk);
            reads++;
        }

        Assert.True(reads >= 5, $"{input.Length} bytes in {reads} reads of at most 1024");
        Assert.Equal(input, received.ToArray());
        await handler.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task In_push_mode_reads_go_on_without_ResumeReading_and_each_carries_at_most_readSize_bytes()
    {
        using var pair = await SocketPair.ConnectAsync();
        using var port = new SocketPort(pair.Local, readSize: 1024, pullMode: false);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: true);
        var input = Bytes(5000, seed: 2);

        await pair.SendAsync(input);
        var received = await ReceiveAsync(handler, input.Length, maxRead: 1024);
        Assert.Equal(input, received);

        // Still reading, still without being asked.
        await pair.SendAsync("more");
        Assert.Equal("more", Encoding.ASCII.GetString(await ReceiveAsync(handler, 4, maxRead: 1024)));
    }

    [Fact]
    public async Task Each_write_is_acked_once_and_writes_queued_back_to_back_reach_the_peer_in_order()
    {
        using var pair = await SocketPair.ConnectAsync();
        using var port = new SocketPort(pair.Local, readSize: 1024, pullMode: true);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: true);

        var expected = new StringBuilder();
        for (var i = 0; i < 10; i++)
        {
            var text = $"<{i}>";
            expected.Append(text);
            port.Write(Encoding.ASCII.GetBytes(text), new Ack(i));
        }

        // A write without an ack is sent like the others and answered by nothing.
        port.Write("<end>"u8.ToArray(), null);
        expected.Append("<end>");

        for (var i = 0; i < 10; i++)
            Assert.Equal(i, (await handler.ExpectMsgAsync<Ack>(Patience)).Id);
        Assert.Equal(expected.ToString(), await pair.ReadTextAsync(expected.Length));
        await handler.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_write_larger_than_the_kernel_holds_is_acked_only_once_the_peer_reads_and_arrives_whole_before_the_writes_queued_behind_it()
    {
        using var pair = await SocketPair.ConnectAsync(SmallPeerReceiveBuffer, FixedLocalSendBuffer);
        using var port = new SocketPort(pair.Local, readSize: 1024, pullMode: true);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: true);
        var big = Bytes(BigWrite, seed: 3);

        port.Write(big, new Ack(1));
        port.Write("tail"u8.ToArray(), new Ack(2));

        // The peer reads nothing yet: the kernel took what it could and the rest waits.
        await handler.ExpectNoMsgAsync(Quiet);

        var read = pair.ReadExactlyAsync(BigWrite + 4);
        Assert.Equal(1, (await handler.ExpectMsgAsync<Ack>(Patience)).Id);
        Assert.Equal(2, (await handler.ExpectMsgAsync<Ack>(Patience)).Id);
        var bytes = await read;
        Assert.True(big.AsSpan().SequenceEqual(bytes.AsSpan(0, BigWrite)), "the big write arrived changed");
        Assert.Equal("tail", Encoding.ASCII.GetString(bytes, BigWrite, 4));
    }

    [Fact]
    public async Task Close_after_writes_sends_every_byte_then_the_end_of_stream_and_reports_Closed()
    {
        using var pair = await SocketPair.ConnectAsync();
        // Push mode: a read is pending when the port closes, as in a client session.
        using var port = new SocketPort(pair.Local, readSize: 1024, pullMode: false);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: true);

        port.Write("one,"u8.ToArray(), new Ack(1));
        port.Write("two"u8.ToArray(), null);
        port.Close();

        Assert.Equal(1, (await handler.ExpectMsgAsync<Ack>(Patience)).Id);
        await handler.ExpectMsgAsync<Tcp.Closed>(Patience);
        Assert.Equal("one,two", await pair.ReadTextAsync(7));
        await pair.ExpectEndOfStreamAsync();
        await handler.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Close_while_a_big_write_is_pending_sends_the_end_of_stream_after_its_last_byte()
    {
        using var pair = await SocketPair.ConnectAsync(SmallPeerReceiveBuffer, FixedLocalSendBuffer);
        using var port = new SocketPort(pair.Local, readSize: 1024, pullMode: true);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: true);
        var big = Bytes(BigWrite, seed: 4);

        port.Write(big, new Ack(1));
        port.Close();
        await handler.ExpectNoMsgAsync(Quiet);

        var read = pair.ReadExactlyAsync(BigWrite);
        Assert.Equal(1, (await handler.ExpectMsgAsync<Ack>(Patience)).Id);
        await handler.ExpectMsgAsync<Tcp.Closed>(Patience);
        var bytes = await read;
        Assert.True(big.AsSpan().SequenceEqual(bytes), "the big write arrived changed");
        await pair.ExpectEndOfStreamAsync();
    }

    [Fact]
    public async Task With_keepOpenOnPeerClosed_the_peer_closing_is_reported_and_the_handler_can_still_write()
    {
        using var pair = await SocketPair.ConnectAsync();
        using var port = new SocketPort(pair.Local, readSize: 1024, pullMode: false);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: true);

        await pair.SendAsync("last words");
        pair.Peer.Shutdown(SocketShutdown.Send);

        Assert.Equal("last words", Encoding.ASCII.GetString(await ReceiveAsync(handler, 10, maxRead: 1024)));
        await handler.ExpectMsgAsync<Tcp.PeerClosed>(Patience);

        port.Write("still here"u8.ToArray(), new Ack(1));
        Assert.Equal(1, (await handler.ExpectMsgAsync<Ack>(Patience)).Id);
        Assert.Equal("still here", await pair.ReadTextAsync(10));

        port.Close();
        await handler.ExpectMsgAsync<Tcp.Closed>(Patience);
        await pair.ExpectEndOfStreamAsync();
    }

    [Fact]
    public async Task Without_keepOpenOnPeerClosed_the_peer_closing_is_reported_and_the_socket_closed()
    {
        using var pair = await SocketPair.ConnectAsync();
        using var port = new SocketPort(pair.Local, readSize: 1024, pullMode: true);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: false);

        pair.Peer.Shutdown(SocketShutdown.Send);
        port.ResumeReading();

        await handler.ExpectMsgAsync<Tcp.PeerClosed>(Patience);
        await pair.ExpectEndOfStreamAsync();
        Assert.Throws<ObjectDisposedException>(() => pair.Local.Available);

        // Closed: a later write goes nowhere and is not acked.
        port.Write("too late"u8.ToArray(), new Ack(1));
        await handler.ExpectNoMsgAsync(Quiet);
    }

    /// <summary>
    /// Without keep-open the peer's end of stream ends the connection, but as in Akka.IO
    /// (its closing-with-pending-write state) a write already accepted is finished first: every
    /// byte reaches the peer, the ack comes back, then the connection closes gracefully.
    /// </summary>
    [Fact]
    public async Task Without_keepOpenOnPeerClosed_a_write_still_pending_at_the_peers_end_of_stream_is_finished_before_the_close()
    {
        using var pair = await SocketPair.ConnectAsync(SmallPeerReceiveBuffer, FixedLocalSendBuffer);
        using var port = new SocketPort(pair.Local, readSize: 1024, pullMode: false);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: false);
        var big = Bytes(BigWrite, seed: 5);
        port.Write(big, new Ack(1));
        await handler.ExpectNoMsgAsync(Quiet);

        pair.Peer.Shutdown(SocketShutdown.Send);

        // The port sees the end of stream while the peer reads nothing yet, so the write is
        // still pending. Akka.IO reports PeerClosed once the write is done; reporting it at
        // once is accepted too.
        var events = new List<object>();
        if (await handler.ReceiveOneAsync(Quiet) is { } early)
            events.Add(early);
        var bytes = await pair.ReadExactlyAsync(BigWrite);
        Assert.True(big.AsSpan().SequenceEqual(bytes), "the big write arrived changed");
        await pair.ExpectEndOfStreamAsync();
        while (events.Count < 2)
            events.Add(await handler.ExpectMsgAsync<object>(Patience));
        Assert.Equal(1, Assert.Single(events.OfType<Ack>()).Id);
        Assert.Single(events.OfType<Tcp.PeerClosed>());
        await handler.ExpectNoMsgAsync(Quiet);
    }

    /// <summary>
    /// A peer closing with linger 0 sends a RST and no FIN, so on Linux the pending read fails
    /// with ECONNRESET (the kernel never reports an end of stream first): the handler hears
    /// <see cref="Tcp.ErrorClosed"/>, never <see cref="Tcp.PeerClosed"/>.
    /// </summary>
    [Fact]
    public async Task A_peer_reset_is_reported_as_ErrorClosed_naming_the_reset()
    {
        using var pair = await SocketPair.ConnectAsync();
        using var port = new SocketPort(pair.Local, readSize: 1024, pullMode: false);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: true);

        pair.ResetFromPeer();

        var closed = await handler.ExpectMsgAsync<Tcp.ErrorClosed>(Patience);
        Assert.Equal(new SocketException((int)SocketError.ConnectionReset).Message, closed.Cause);
        port.Write("too late"u8.ToArray(), new Ack(1));
        await handler.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task In_pull_mode_a_peer_reset_is_reported_at_the_next_ResumeReading()
    {
        using var pair = await SocketPair.ConnectAsync();
        using var port = new SocketPort(pair.Local, readSize: 1024, pullMode: true);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: true);

        pair.ResetFromPeer();
        await handler.ExpectNoMsgAsync(Quiet);
        port.ResumeReading();

        var closed = await handler.ExpectMsgAsync<Tcp.ErrorClosed>(Patience);
        Assert.Equal(new SocketException((int)SocketError.ConnectionReset).Message, closed.Cause);
    }

    [Fact]
    public async Task Abort_resets_the_connection_and_tells_the_handler_nothing()
    {
        using var pair = await SocketPair.ConnectAsync();
        var port = new SocketPort(pair.Local, readSize: 1024, pullMode: false);
        var handler = CreateTestProbe();
        port.Register(handler.Ref, keepOpenOnPeerClosed: true);

        port.Abort();

        await pair.ExpectResetAsync();
        await handler.ExpectNoMsgAsync(Quiet);

        // Aborted is final: a close, a write or a second abort change nothing.
        port.Close();
        port.Write("too late"u8.ToArray(), new Ack(1));
        port.Abort();
        await handler.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Reject_sends_its_bytes_then_closes_the_socket()
    {
        using var pair = await SocketPair.ConnectAsync();

        var port = new SocketPort(pair.Local, readSize: 1024, pullMode: true);

        port.Reject("Server busy"u8.ToArray());

        Assert.Equal("Server busy", await pair.ReadTextAsync(11));
        await pair.ExpectEndOfStreamAsync();
        Assert.Throws<ObjectDisposedException>(() => pair.Local.Available);
    }

    /// <summary>Waits, bounded, until the local end has <paramref name="count"/> unread bytes in the kernel.</summary>
    private async Task AvailableAsync(SocketPair pair, int count) =>
        await AwaitConditionAsync(() => Task.FromResult(pair.Local.Available >= count), Patience);

    /// <summary>Collects pushed reads up to <paramref name="count"/> bytes, each at most <paramref name="maxRead"/>.</summary>
    private static async Task<byte[]> ReceiveAsync(TestProbe handler, int count, int maxRead)
    {
        var received = new List<byte>(count);
        while (received.Count < count)
        {
            var chunk = (await handler.ExpectMsgAsync<Tcp.Received>(Patience)).Data.ToArray();
            Assert.InRange(chunk.Length, 1, maxRead);
            received.AddRange(chunk);
        }

        Assert.Equal(count, received.Count);
        return [.. received];
    }

    private static string Text(Tcp.Received received) => Encoding.ASCII.GetString(received.Data.ToArray());

    private static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private sealed class Ack(int id) : Tcp.Event
    {
        public int Id { get; } = id;
    }
}
