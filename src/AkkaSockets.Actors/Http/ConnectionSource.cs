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
public static class ConnectionSource
{
    public static Source<ByteString, NotUsed> From(Stream connection, int readBytes)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentOutOfRangeException.ThrowIfLessThan(readBytes, 1);
        return Source.UnfoldResourceAsync<ByteString, ConnectionReader>(
            () => Task.FromResult(new ConnectionReader(connection, readBytes)),
            reader => reader.ReadAsync(),
            async reader =>
            {
                await reader.DisposeAsync().ConfigureAwait(false);
                return Done.Instance;
            });
    }
}

/// <summary>
/// Reads a connection into large arrays, one after the other, and hands out each read as a slice
/// of one (never a copy, never reused: a slice stays valid however long the sink holds it). An
/// element is one read plus the reads that complete at once after it (what the connection had
/// already received, such as several TLS records), up to <c>readBytes</c>; a read that has to wait
/// is kept for the next element, so nothing received is held back. Large elements keep the body
/// out of the young generation: the arrays, and the sink's copy of an element of 85,000 bytes or
/// more, are large objects.
/// </summary>
internal sealed class ConnectionReader : IAsyncDisposable
{
    // Arrays of this many reads; a new one when less than a quarter of a read is left in the current one.
    private const int ReadsPerArray = 4;

    private readonly Stream _stream;
    private readonly int _readBytes;
    private byte[] _array = [];
    private int _used;
    private ValueTask<int>? _pending;

    public ConnectionReader(Stream stream, int readBytes)
    {
        _stream = stream;
        _readBytes = readBytes;
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
            if (_array.Length - _used < Math.Max(_readBytes / 4, 1))
            {
                _array = new byte[_readBytes * ReadsPerArray];
                _used = 0;
            }

            read = await _stream.ReadAsync(Room(_used)).ConfigureAwait(false);
        }

        if (read == 0)
            return Option<ByteString>.None;

        var start = _used;
        var end = start + read;
        var limit = Math.Min(_array.Length, start + _readBytes);
        while (end < limit)
        {
            var next = _stream.ReadAsync(_array.AsMemory(end, limit - end));
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
        return ByteString.FromBytes(_array, start, end - start);
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    private Memory<byte> Room(int from) => _array.AsMemory(from, Math.Min(_array.Length - from, _readBytes));
}
