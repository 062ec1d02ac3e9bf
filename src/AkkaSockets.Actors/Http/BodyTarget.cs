using System.Runtime.InteropServices;
using Akka.IO;
using Akka.Streams.Dsl;
using Akka.Streams.IO;

namespace AkkaSockets.Actors.Http;

/// <summary>
/// Where a body goes, as curl users expect: a regular file (or a new name) is written to a hidden
/// temporary file next to it and renamed over it on success, keeping the old file's permission
/// bits; a symlink, a device or a FIFO is written through in place (<c>-o /dev/stdout</c> must
/// never replace <c>/dev/stdout</c>); a given stream (standard output) is written as is.
/// Nothing is opened before the final head has said there is a body to keep.
/// </summary>
internal abstract class BodyTarget
{
    private BodyTarget(string path) => Path = path;

    /// <summary>The name the user gave (or <c>-</c> for standard output).</summary>
    public string Path { get; }

    public static BodyTarget For(FetchPage page)
    {
        if (page.BodyStream is { } stream)
            return new ToStream(stream);

        var path = page.TargetPath;
        if (Directory.Exists(path))
            throw new IOException($"{path} is a directory");
        return FileKinds.IsSpecial(path) ? new InPlace(path) : new Replacing(path);
    }

    /// <summary>
    /// The sink to run the body into; its result says how much was written, or why not. When the
    /// body's bytes lie in the arrays of <paramref name="ring"/>, the sink hands each array back
    /// once written.
    /// </summary>
    public Sink<ByteString, Task<IOResult>> Sink(ReadBufferRing? ring = null) => Akka.Streams.Dsl.Sink.FromGraph(new BodySink(Open, ring));

    /// <summary>Opens what the body is written to; called by the sink as it starts.</summary>
    protected abstract Stream Open();

    // Unbuffered: every write is a whole element (up to read-bytes), straight to the kernel.
    private static FileStream OpenFile(string path, FileMode mode) =>
        new(path, mode, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);

    /// <summary>After the sink succeeded: gives the body its final name.</summary>
    public virtual void Commit()
    {
    }

    /// <summary>After the sink ended (either way) without a commit: removes what only this fetch made.</summary>
    public virtual void Discard()
    {
    }

    private sealed class ToStream(Func<Stream> open) : BodyTarget("-")
    {
        protected override Stream Open() => open();
    }

    private sealed class InPlace(string path) : BodyTarget(path)
    {
        // FileMode.Create follows a symlink and truncates its target; devices and FIFOs ignore it.
        protected override Stream Open() => OpenFile(Path, FileMode.Create);
    }

    private sealed class Replacing : BodyTarget
    {
        private readonly string _final;
        private readonly string _temp;

        public Replacing(string path)
            : base(path)
        {
            _final = System.IO.Path.GetFullPath(path);
            var directory = System.IO.Path.GetDirectoryName(_final) ?? ".";
            // In the target's directory, so the rename stays on one file system and is atomic.
            _temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(_final)}.{Guid.NewGuid():N}.part");
        }

        protected override Stream Open() => OpenFile(_temp, FileMode.CreateNew);

        public override void Commit()
        {
            if (!OperatingSystem.IsWindows() && File.Exists(_final))
                File.SetUnixFileMode(_temp, File.GetUnixFileMode(_final));
            File.Move(_temp, _final, overwrite: true);
        }

        public override void Discard()
        {
            try
            {
                File.Delete(_temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing better to do: the name is hidden and says .part.
            }
        }
    }
}

/// <summary>What kind of file a path names, as far as writing a body there is concerned.</summary>
internal static partial class FileKinds
{
    private const int TypeMask = 0xF000;
    private const int Regular = 0x8000;
    private const int Directory = 0x4000;

    /// <summary>A symlink, or an existing file that is neither regular nor a directory (device, FIFO, socket).</summary>
    public static bool IsSpecial(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
            return true;
        if (OperatingSystem.IsWindows() || !info.Exists)
            return false;
        var type = TypeOf(path);
        return type is not null and not Regular and not Directory;
    }

    /// <summary>The S_IFMT bits of the file at <paramref name="path"/>, following symlinks; null when unknown.</summary>
    private static int? TypeOf(string path)
    {
        // .NET has no public API for the file type (FileAttributes does not tell a FIFO or a
        // device from a regular file), so ask the runtime's own native shim, whose stat record
        // starts with two ints: flags, then st_mode. Unknown (shim missing) is treated by name.
        try
        {
            return SystemNativeStat(path, out var status) == 0 ? status.Mode & TypeMask : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return path.StartsWith("/dev/", StringComparison.Ordinal) ? 0x2000 : Regular;
        }
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SystemNativeStat(string path, out StatRecord status);

    // Larger than the shim's record on every platform; only the first two fields are read.
    [StructLayout(LayoutKind.Sequential, Size = 512)]
    private struct StatRecord
    {
        public int Flags;
        public int Mode;
    }
}
