using Akka;
using Akka.IO;
using Akka.Streams.Dsl;
using Akka.Util;

namespace AkkaSockets.Actors.Http;

/// <summary>
/// The bytes of a connection as a stream source: plain (<see cref="System.Net.Sockets.NetworkStream"/>)
/// or TLS (<see cref="System.Net.Security.SslStream"/> over it), the same to everything downstream.
/// A read is asked for only when downstream pulls, so a slow sink stops the reads and TCP pushes
/// back on the server. Cancelling or finishing the stream disposes the connection.
/// </summary>
internal static class ConnectionSource
{
    /// <param name="connection">The connection; disposed when the stream ends.</param>
    /// <param name="ring">The arrays to read into (their size is the largest element).</param>
    public static Source<ByteString, NotUsed> From(Stream connection, ReadBufferRing ring)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(ring);
        return Source.UnfoldResourceAsync<ByteString, ConnectionReader>(
            () => Task.FromResult(new ConnectionReader(connection, ring)),
            reader => reader.ReadAsync(),
            async reader =>
            {
                await reader.DisposeAsync().ConfigureAwait(false);
                return Done.Instance;
            });
    }
}

/// <summary>
/// Reads a connection into the arrays of a <see cref="ReadBufferRing"/> and hands out each read as a
/// slice of one (never a copy; the ring reuses an array only after the sink has written what was
/// in it). An element is one read plus the reads that complete at once after it (what the
/// connection had already received, such as several TLS records), up to the array's end; a read
/// that has to wait is kept for the next element, so nothing received is held back.
/// </summary>
internal sealed class ConnectionReader : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly ReadBufferRing _ring;
    private byte[] _array = [];
    private int _used;
    private ValueTask<int>? _pending;

    public ConnectionReader(Stream stream, ReadBufferRing ring)
    {
        _stream = stream;
        _ring = ring;
    }

    public async Task<Option<ByteString>> ReadAsync()
    {
        int read;
        if (_pending is { } pending)
        {
            _pending = null;
            read = await pending.ConfigureAwait(false);
        }
        else
        {
            // A new array when less than a quarter of the current one is left.
            if (_array.Length - _used < Math.Max(_array.Length / 4, 1))
            {
                _array = _ring.Rent();
                _used = 0;
            }

            read = await _stream.ReadAsync(_array.AsMemory(_used)).ConfigureAwait(false);
        }

        if (read == 0)
            return Option<ByteString>.None;

        var start = _used;
        var end = start + read;
        while (end < _array.Length)
        {
            var next = _stream.ReadAsync(_array.AsMemory(end));
            if (!next.IsCompleted)
            {
                // Not there yet: it lands right after this element and starts the next one.
                _pending = next;
                break;
            }

            var more = next.GetAwaiter().GetResult();
            if (more == 0)
                break;
            end += more;
        }

        _used = end;
        _ring.Stamp(_array);
        return ByteString.FromBytes(_array, start, end - start);
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
