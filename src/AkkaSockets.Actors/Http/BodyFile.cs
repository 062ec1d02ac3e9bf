namespace AkkaSockets.Actors.Http;

/// <summary>
/// A body being saved: a temporary file next to the target, one buffer filling while at most one
/// other is being written, and a rename on success. Memory is two buffers, whatever the body size.
/// Not thread-safe: only its actor touches it; write completions come back as messages.
/// </summary>
internal sealed class BodyFile : IDisposable
{
    private const int ReadAllowance = 64 * 1024;

    private readonly FileStream _stream;
    private byte[] _fill;
    private byte[] _spare;
    private int _fillLength;
    private bool _disposed;

    private BodyFile(string finalPath, string tempPath, FileStream stream, int bufferBytes)
    {
        FinalPath = finalPath;
        TempPath = tempPath;
        _stream = stream;
        // Reading stops once bufferBytes wait, so one more read (64 KiB by default) is the most
        // that lands on top; a larger read grows the buffer once.
        _fill = new byte[bufferBytes + ReadAllowance];
        _spare = new byte[bufferBytes + ReadAllowance];
    }

    public string FinalPath { get; }

    public string TempPath { get; }

    public bool WriteInFlight { get; private set; }

    public int Buffered => _fillLength;

    public long BytesWritten { get; private set; }

    private int InFlightLength { get; set; }

    /// <summary>Creates the temporary file in the target's directory (so the rename stays on one file system).</summary>
    public static BodyFile Create(string finalPath, int bufferBytes)
    {
        var full = Path.GetFullPath(finalPath);
        var directory = Path.GetDirectoryName(full) ?? ".";
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.part");
        // bufferSize 0: our own buffers are the only ones; async so writes never block the actor.
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
        return new BodyFile(full, temp, stream, bufferBytes);
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_fillLength + bytes.Length > _fill.Length)
            Array.Resize(ref _fill, Math.Max(_fill.Length * 2, _fillLength + bytes.Length));
        bytes.CopyTo(_fill.AsSpan(_fillLength));
        _fillLength += bytes.Length;
    }

    /// <summary>Starts writing the filled buffer, if there is one and no write is running.</summary>
    public Task? StartWrite()
    {
        if (WriteInFlight || _fillLength == 0)
            return null;
        (_fill, _spare) = (_spare, _fill);
        InFlightLength = _fillLength;
        _fillLength = 0;
        WriteInFlight = true;
        return _stream.WriteAsync(_spare.AsMemory(0, InFlightLength)).AsTask();
    }

    public void WriteCompleted()
    {
        WriteInFlight = false;
        BytesWritten += InFlightLength;
        InFlightLength = 0;
    }

    /// <summary>Closes the file and gives it its final name, replacing what was there.</summary>
    public void Commit()
    {
        Dispose();
        File.Move(TempPath, FinalPath, overwrite: true);
    }

    /// <summary>Closes and deletes the temporary file; the final name is never touched.</summary>
    public void Discard()
    {
        Dispose();
        try
        {
            File.Delete(TempPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing better to do: the name is hidden and says .part.
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _stream.Dispose();
    }
}
