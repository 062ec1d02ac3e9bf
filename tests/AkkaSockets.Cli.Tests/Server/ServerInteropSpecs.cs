using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AkkaSockets.Cli.Tests.Server;

public sealed partial class ServerInteropSpecs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(50);

    // The tutorial's client (seed/000_fe000495774c58c3.txt) with the port as an argument. The
    // tutorial's extra line "print(s.recv(1)...)" is an annotation in the text (it says the
    // recv does not pair with a send), not part of the program, so it is left out. The local
    // port goes to stderr so the test can find this client in the server's lines.
    private const string TutorialClient = """
        import socket, sys

        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.connect(('127.0.0.1', int(sys.argv[1])))
        print(s.getsockname()[1], file=sys.stderr)
        print(s.recv(1024).decode('utf-8'))
        for data in [b'Michael', b'Tracy', b'Sarah']:
            s.send(data)
            print(s.recv(1024).decode('utf-8'))
        s.send(b'exit')
        s.close()
        """;

    [Fact]
    public async Task The_tutorials_python_client_prints_the_four_lines_and_the_server_prints_its_accept_and_close_lines()
    {
        var python = CliProcess.RequirePython3();
        var script = Path.Combine(Path.GetTempPath(), $"akkasockets-client-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, TutorialClient + "\n");
        var (server, port) = await CliProcess.StartServerAsync("--delay", "100ms");
        try
        {
            var (code, stdout, stderr) = await CliProcess.RunProgramAsync(python, [script, port.ToString(CultureInfo.InvariantCulture)]);

            Assert.True(code == 0, $"the Python client exited {code}: {stderr}");
            Assert.Equal("Welcome!\nHello, Michael!\nHello, Tracy!\nHello, Sarah!\n", stdout);
            var clientPort = stderr.Trim();
            Assert.Matches(PortNumber(), clientPort);
            await server.Stdout.WaitForAsync($"Accept new connection from 127.0.0.1:{clientPort}...", Timeout);
            await server.Stdout.WaitForAsync($"Connection from 127.0.0.1:{clientPort} closed.", Timeout);
            Assert.Equal(4, server.Stdout.Lines.Count);

            server.Interrupt();
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
        finally
        {
            server.Dispose();
            File.Delete(script);
        }
    }

    [Fact]
    public async Task Ctrl_c_with_messages_mid_delay_answers_every_one_then_exits_zero()
    {
        // Line framing: the first reply proves the server has read the whole batch.
        var (server, port) = await CliProcess.StartServerAsync("--delay", "300ms", "--framing", "line");
        using (server)
        {
            var clients = new List<LoopbackClient>();
            try
            {
                for (var i = 0; i < 4; i++)
                {
                    var client = await LoopbackClient.ConnectAsync(port);
                    clients.Add(client);
                    await client.ExpectAsync("Welcome!\r\n");
                    await client.SendAsync($"one{i}\ntwo{i}\nthree{i}\n");
                }

                for (var i = 0; i < clients.Count; i++)
                    await clients[i].ExpectAsync($"Hello, one{i}!\r\n");

                server.Interrupt();

                for (var i = 0; i < clients.Count; i++)
                {
                    await clients[i].ExpectAsync($"Hello, two{i}!\r\nHello, three{i}!\r\n");
                    await clients[i].ExpectClosedAsync();
                }

                Assert.Equal(0, await server.WaitForExitAsync(Timeout));
                foreach (var client in clients)
                {
                    Assert.Contains($"Accept new connection from 127.0.0.1:{client.LocalPort}...", server.Stdout.Lines);
                    Assert.True(server.Stdout.Lines.Contains($"Connection from 127.0.0.1:{client.LocalPort} closed."), $"no close line for {client.LocalPort}:\n{server.Stdout}\nstderr:\n{server.Stderr}");
                }
            }
            finally
            {
                clients.ForEach(c => c.Dispose());
            }
        }
    }

    [Fact]
    public async Task Sigterm_with_messages_mid_delay_answers_every_one_then_exits_zero()
    {
        var (server, port) = await CliProcess.StartServerAsync("--delay", "300ms", "--framing", "line");
        using (server)
        {
            using var client = await LoopbackClient.ConnectAsync(port);
            await client.ExpectAsync("Welcome!\r\n");
            await client.SendAsync("one\ntwo\nthree\n");
            // The first reply proves the server has read the whole batch.
            await client.ExpectAsync("Hello, one!\r\n");

            server.Terminate();

            await client.ExpectAsync("Hello, two!\r\nHello, three!\r\n");
            await client.ExpectClosedAsync();
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
            Assert.Contains($"Connection from 127.0.0.1:{client.LocalPort} closed.", server.Stdout.Lines);
        }
    }

    [Fact]
    public async Task When_the_drain_timeout_runs_out_the_unanswered_connection_is_closed_and_the_server_still_exits_zero()
    {
        var config = Path.Combine(Path.GetTempPath(), $"akkasockets-drain-{Guid.NewGuid():N}.hocon");
        await File.WriteAllTextAsync(config, "akkasockets.server.drain-timeout = 300ms\n");
        try
        {
            // Two more replies would take 10 s to drain; the drain timeout allows 300 ms.
            var (server, port) = await CliProcess.StartServerAsync("--delay", "5s", "--framing", "line", "--config", config);
            using (server)
            {
                using var client = await LoopbackClient.ConnectAsync(port);
                await client.ExpectAsync("Welcome!\r\n");
                await client.SendAsync("one\ntwo\nthree\n");
                await client.ExpectAsync("Hello, one!\r\n", Timeout);
                var interrupted = DateTime.UtcNow;

                server.Interrupt();

                await client.ExpectClosedOrResetAsync(Timeout);
                Assert.Equal(0, await server.WaitForExitAsync(Timeout));
                // Cut by the timeout, not by the next reply's delay.
                Assert.True(DateTime.UtcNow - interrupted < TimeSpan.FromSeconds(5), "the connection was not cut before the next reply was due");
                Assert.Contains($"Connection from 127.0.0.1:{client.LocalPort} closed.", server.Stdout.Lines);
            }
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task A_second_ctrl_c_during_the_drain_ends_the_server_at_once()
    {
        var (server, port) = await CliProcess.StartServerAsync("--delay", "500ms", "--framing", "line");
        using (server)
        {
            using var client = await LoopbackClient.ConnectAsync(port);
            await client.ExpectAsync("Welcome!\r\n");
            // Ten lines keep the drain busy for about 4.5 s after the first reply.
            await client.SendAsync(string.Concat(Enumerable.Range(0, 10).Select(i => $"n{i}\n")));
            await client.ExpectAsync("Hello, n0!\r\n");

            server.Interrupt();
            await WaitUntilRefusedAsync(port);
            server.Interrupt();

            Assert.Equal(130, await server.WaitForExitAsync(Timeout));
            Assert.Contains("Interrupted again: exiting without draining.", server.Stderr.Lines);
        }
    }

    /// <summary>The first Ctrl+C has taken effect once a newcomer is refused with <c>Server busy</c>.</summary>
    private static async Task WaitUntilRefusedAsync(int port)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            using (var probe = await LoopbackClient.ConnectAsync(port))
            {
                // Both answers are at least 8 bytes: "Welcome!" or "Server b(usy)".
                var first = Encoding.UTF8.GetString(await probe.ReadExactlyAsync(8));
                if (first == "Server b")
                    return;
                Assert.Equal("Welcome!", first);
            }

            // The signal is handled on another thread: give it a moment rather than spin.
            await Task.Delay(RetryPause);
        }

        Assert.Fail($"the server kept greeting new clients for {Timeout.TotalSeconds} s after Ctrl+C");
    }

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex PortNumber();
}
