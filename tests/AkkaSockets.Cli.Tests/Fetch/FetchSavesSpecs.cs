
namespace AkkaSockets.Cli.Tests.Fetch;

public sealed class FetchSavesSpecs : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fetch-cli-");

    private static byte[] BinaryBody(int length)
    {
        var body = new byte[length];
        new Random(length).NextBytes(body);
        "\r\n\r\n"u8.CopyTo(body.AsSpan(length / 3));
        "0\r\n\r\n"u8.CopyTo(body.AsSpan(length / 2));
        return body;
    }

    [Fact]
    public async Task A_chunked_binary_body_is_saved_byte_for_byte_under_its_last_path_segment()
    {
        var body = BinaryBody(300_000);
        await using var server = RawHttpServer.Start(async (stream, _, token) =>
        {
            await stream.WriteAsync(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), token);
            for (var offset = 0; offset < body.Length; offset += 40_000)
            {
                var size = Math.Min(40_000, body.Length - offset);
                await stream.WriteAsync(RawHttpServer.Ascii($"{size:x}\r\n"), token);
                await stream.WriteAsync(body.AsMemory(offset, size), token);
                await stream.WriteAsync("\r\n"u8.ToArray(), token);
            }

            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), token);
        });

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", server.Url("/files/data.bin"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n", run.Stdout);
        Assert.Equal(body, await File.ReadAllBytesAsync(Path.Combine(_dir.FullName, "data.bin")));
        Assert.Single(_dir.GetFiles());
        Assert.Equal(string.Empty, run.Stderr);
    }

    [Fact]
    public async Task The_root_page_is_saved_as_index_html()
    {
        await using var server = RawHttpServer.Replying(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n<html>"));

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", server.Url("/"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("<html>", await File.ReadAllTextAsync(Path.Combine(_dir.FullName, "index.html")));
    }

    [Fact]
    public async Task Output_goes_where_o_says()
    {
        await using var server = RawHttpServer.Replying(RawHttpServer.Ascii("HTTP/1.0 200 OK\r\n\r\nclose-delimited\r\n\r\nbody"));

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", server.Url("/x"), "-o", "out.txt");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("close-delimited\r\n\r\nbody", await File.ReadAllTextAsync(Path.Combine(_dir.FullName, "out.txt")));
    }

    [Fact]
    public async Task A_content_length_body_on_a_socket_left_open_completes()
    {
        var body = BinaryBody(100_000);
        byte[] response = [.. RawHttpServer.Ascii($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n"), .. body];
        await using var server = RawHttpServer.Replying(response, keepOpen: true);

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", server.Url("/cl.bin"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(body, await File.ReadAllBytesAsync(Path.Combine(_dir.FullName, "cl.bin")));
    }

    [Fact]
    public async Task Redirects_print_every_head_and_save_the_final_body()
    {
        await using var final = RawHttpServer.Replying(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal"));
        await using var server = RawHttpServer.Start(async (stream, request, token) =>
        {
            var reply = request.StartsWith("GET /a ", StringComparison.Ordinal)
                ? "HTTP/1.1 302 Found\r\nLocation: b\r\nContent-Length: 0\r\n\r\n"
                : $"HTTP/1.1 308 Permanent Redirect\r\nLocation: {final.Url("/c")}\r\nContent-Length: 0\r\n\r\n";
            await stream.WriteAsync(RawHttpServer.Ascii(reply), token);
        });

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", server.Url("/a"), "-o", "page");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            $"HTTP/1.1 302 Found\nLocation: b\nContent-Length: 0\n\nHTTP/1.1 308 Permanent Redirect\nLocation: {final.Url("/c")}\nContent-Length: 0\n\nHTTP/1.1 200 OK\nContent-Length: 5\n",
            run.Stdout);
        Assert.Equal("final", await File.ReadAllTextAsync(Path.Combine(_dir.FullName, "page")));
    }

    [Fact]
    public async Task An_http_error_without_fail_is_saved_and_exits_zero()
    {
        await using var server = RawHttpServer.Replying(RawHttpServer.Ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\ngone"));

        var run = await CliProcess.RunInAsync(_dir.FullName, "fetch", server.Url("/missing"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("gone", await File.ReadAllTextAsync(Path.Combine(_dir.FullName, "missing")));
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
