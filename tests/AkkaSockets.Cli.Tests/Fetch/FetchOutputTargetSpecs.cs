using System.Diagnostics;
using System.Runtime.Versioning;
using AkkaSockets.Cli.Commands;

namespace AkkaSockets.Cli.Tests.Fetch;

/// <summary>-o as a curl user expects: stdout, symlinks, devices and FIFOs written through; files replaced keeping their mode.</summary>
// Symlinks, FIFOs, /dev/null and mode bits are the Unix behaviours under test.
[UnsupportedOSPlatform("windows")]
public sealed class FetchOutputTargetSpecs : IDisposable
{
    private const string Body = "the body\r\n\r\nwith a blank line";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fetch-cli-out-");

    private static RawHttpServer Serving(string body = Body) =>
        RawHttpServer.Replying(RawHttpServer.Ascii($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}"));

    private string InDir(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public async Task Dash_writes_the_body_to_stdout_and_the_heads_to_stderr()
    {
        await using var server = Serving();

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", server.Url("/x"), "-o", "-");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Body, run.Stdout);
        Assert.Equal($"HTTP/1.1 200 OK\nContent-Length: {Body.Length}\n", run.Stderr);
        Assert.Empty(_dir.GetFileSystemInfos());
    }

    [Fact]
    public async Task A_symlink_is_written_through_and_stays_a_symlink()
    {
        var real = InDir("real.txt");
        await File.WriteAllTextAsync(real, "old content, longer than the new body by quite a lot of characters");
        var link = File.CreateSymbolicLink(InDir("link.txt"), real);
        await using var server = Serving();

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", server.Url("/x"), "-o", "link.txt");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(real, new FileInfo(link.FullName).LinkTarget);
        Assert.Equal(Body, await File.ReadAllTextAsync(real));
        Assert.Equal(2, _dir.GetFileSystemInfos().Length);
    }

    [Fact]
    public async Task Dev_null_is_written_through_and_not_replaced()
    {
        await using var server = Serving();

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", server.Url("/x"), "-o", "/dev/null");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(_dir.GetFileSystemInfos());
        Assert.Equal(0, new FileInfo("/dev/null").Length);
        Assert.Null(new FileInfo("/dev/null").LinkTarget);
    }

    [Fact]
    public async Task A_FIFO_is_written_through_to_its_reader()
    {
        var fifo = InDir("pipe");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
            await mkfifo.WaitForExitAsync();
        await using var server = Serving();

        // The reader opens the FIFO while the fetch writes to it.
        var reader = Task.Run(() => File.ReadAllTextAsync(fifo));
        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", server.Url("/x"), "-o", "pipe");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Body, await reader.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(_dir.GetFileSystemInfos());
    }

    [Fact]
    public async Task An_existing_file_is_replaced_and_keeps_its_permission_bits()
    {
        var target = InDir("secret.txt");
        await File.WriteAllTextAsync(target, "old");
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var server = Serving();

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", server.Url("/x"), "-o", "secret.txt");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Body, await File.ReadAllTextAsync(target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));
        Assert.Single(_dir.GetFileSystemInfos());
    }

    [Fact]
    public async Task A_failed_fetch_into_a_symlink_leaves_its_target_untouched_when_the_head_already_fails()
    {
        var real = InDir("real.txt");
        await File.WriteAllTextAsync(real, "keep me");
        File.CreateSymbolicLink(InDir("link.txt"), real);
        await using var server = RawHttpServer.Replying(RawHttpServer.Ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\ngone"));

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", server.Url("/x"), "-o", "link.txt", "--fail");

        Assert.Equal(ExitCodes.FetchHttpError, run.ExitCode);
        Assert.Equal("keep me", await File.ReadAllTextAsync(real));
    }

    [Fact]
    public async Task A_directory_as_target_is_a_file_error_and_nothing_is_written()
    {
        Directory.CreateDirectory(InDir("sub"));
        await using var server = Serving();

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", server.Url("/x"), "-o", "sub");

        Assert.Equal(ExitCodes.FetchFileError, run.ExitCode);
        Assert.Contains("is a directory", Assert.Single(run.StderrLines), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(InDir("sub")));
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
