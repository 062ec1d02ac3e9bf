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
        return Source.UnfoldResourceAsync<ByteString, Stream>(
            () => Task.FromResult(connection),
            stream => ReadAsync(stream, readBytes),
            async stream =>
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                return Done.Instance;
            });
    }

    private static async Task<Option<ByteString>> ReadAsync(Stream stream, int readBytes)
    {
        // A fresh array per read: the ByteString wraps it without a copy and it is never reused,
        // because the file sink may still hold the previous one.
        var buffer = new byte[readBytes];
        var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
        return read == 0 ? Option<ByteString>.None : ByteString.FromBytes(buffer, 0, read);
    }
}
