using System.Globalization;
using System.Net;

namespace AkkaSockets.Cli.Tests.Server;

public sealed class ServerCommandSpecs
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Server_on_port_zero_prints_the_bound_address_then_waiting_for_connection_and_exits_zero_on_sigterm()
    {
        var (server, port) = await CliProcess.StartServerAsync("--delay", "100ms");
        using (server)
        {
            Assert.InRange(port, 1, 65535);
            Assert.Equal(2, server.Stdout.Lines.Count);

            server.Terminate();

            Assert.Equal(0, await server.WaitForExitAsync(ExitTimeout));
        }
    }

    [Fact]
    public async Task Host_ipv6_any_is_dual_stack_and_prints_an_ipv4_client_as_ipv4()
    {
        Ipv6Loopback.Require();
        var (server, port) = await CliProcess.StartServerAtAsync("[::]", "--host", "::", "--delay", "100ms");
        using (server)
        {
            using (var client = await LoopbackClient.ConnectAsync(port))
            {
                await client.ExpectAsync("Welcome!");
                await server.Stdout.WaitForAsync($"Accept new connection from 127.0.0.1:{client.LocalPort}...", ExitTimeout);
            }

            server.Interrupt();
            Assert.Equal(0, await server.WaitForExitAsync(ExitTimeout));
        }
    }

    [Fact]
    public async Task Host_ipv6_loopback_listens_on_bracketed_1_and_prints_an_ipv6_client_in_brackets()
    {
        Ipv6Loopback.Require();
        var (server, port) = await CliProcess.StartServerAtAsync("[::1]", "--host", "::1", "--delay", "100ms");
        using (server)
        {
            using var client = await LoopbackClient.ConnectAsync(new IPEndPoint(IPAddress.IPv6Loopback, port));
            await client.ExpectAsync("Welcome!");
            await server.Stdout.WaitForAsync($"Accept new connection from [::1]:{client.LocalPort}...", ExitTimeout);
            await client.SendAsync("Michael");
            await client.ExpectAsync("Hello, Michael!");
        }
    }

    [Fact]
    public async Task Host_localhost_binds_the_ipv4_loopback_and_serves_a_client()
    {
        var (server, port) = await CliProcess.StartServerAtAsync("127.0.0.1", "--host", "localhost", "--delay", "100ms");
        using (server)
        {
            using var client = await LoopbackClient.ConnectAsync(port);
            await client.ExpectAsync("Welcome!");
            await client.SendAsync("Michael");
            await client.ExpectAsync("Hello, Michael!");
        }
    }

    [Fact]
    public async Task A_setting_in_the_config_file_overrides_the_default_and_a_flag_overrides_the_config_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"akkasockets-{Guid.NewGuid():N}.hocon");
        await File.WriteAllTextAsync(file, "akkasockets.server {\n  framing = line\n  reply-delay = 50ms\n}\n");
        try
        {
            // File over defaults: line framing, so the greeting and replies end with \r\n.
            var (fromFile, filePort) = await CliProcess.StartServerAsync("--config", file);
            using (fromFile)
            {
                using var client = await LoopbackClient.ConnectAsync(filePort);
                await client.ExpectAsync("Welcome!\r\n");
                await client.SendAsync("Michael\n");
                await client.ExpectAsync("Hello, Michael!\r\n");
            }

            // Flag over file: chunk framing again, so nothing follows the bare greeting and reply.
            var (fromFlag, flagPort) = await CliProcess.StartServerAsync("--config", file, "--framing", "chunk");
            using (fromFlag)
            {
                using var client = await LoopbackClient.ConnectAsync(flagPort);
                await client.ExpectAsync("Welcome!");
                await client.SendAsync("Michael");
                await client.ExpectAsync("Hello, Michael!");
                await client.SendAsync("exit");
                await client.ExpectClosedAsync();
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_idle_timeout_flag_closes_a_silent_connection()
    {
        var (server, port) = await CliProcess.StartServerAsync("--idle-timeout", "300ms");
        using (server)
        {
            using (var client = await LoopbackClient.ConnectAsync(port))
            {
                await client.ExpectAsync("Welcome!");
                await client.ExpectClosedAsync();
                await server.Stdout.WaitForAsync($"Connection from 127.0.0.1:{client.LocalPort} closed.", ExitTimeout);
            }

            server.Interrupt();
            Assert.Equal(0, await server.WaitForExitAsync(ExitTimeout));
        }
    }

    [Fact]
    public async Task Quiet_drops_the_per_connection_lines_but_keeps_the_two_start_up_lines()
    {
        var (server, port) = await CliProcess.StartServerAsync("--delay", "100ms", "--quiet");
        using (server)
        {
            using (var client = await LoopbackClient.ConnectAsync(port))
            {
                await client.ExpectAsync("Welcome!");
                await client.SendAsync("Michael");
                await client.ExpectAsync("Hello, Michael!");
                await client.SendAsync("exit");
                await client.ExpectClosedAsync();
            }

            server.Interrupt();
            Assert.Equal(0, await server.WaitForExitAsync(ExitTimeout));
            Assert.Equal(2, server.Stdout.Lines.Count);
        }
    }

    [Fact]
    public async Task A_bad_flag_value_prints_one_line_naming_the_flag_and_exits_non_zero()
    {
        using var cli = CliProcess.Start("server", "--port", "0", "--delay", "nope");

        var code = await cli.WaitForExitAsync(ExitTimeout);

        Assert.NotEqual(0, code);
        var line = Assert.Single(cli.Stderr.Lines);
        Assert.Contains("--delay", line, StringComparison.Ordinal);
        Assert.Contains("nope", line, StringComparison.Ordinal);
        Assert.Empty(cli.Stdout.Lines);
    }

    [Fact]
    public async Task A_bad_value_in_the_config_file_is_reported_with_its_key_and_nothing_starts()
    {
        var file = Path.Combine(Path.GetTempPath(), $"akkasockets-{Guid.NewGuid():N}.hocon");
        await File.WriteAllTextAsync(file, "akkasockets.server {\n  port = 0\n  max-pending-messages = lots\n}\n");
        try
        {
            using var cli = CliProcess.Start("server", "--config", file);

            var code = await cli.WaitForExitAsync(ExitTimeout);

            Assert.NotEqual(0, code);
            var line = Assert.Single(cli.Stderr.Lines);
            Assert.Contains("akkasockets.server.max-pending-messages", line, StringComparison.Ordinal);
            Assert.Contains("lots", line, StringComparison.Ordinal);
            Assert.Empty(cli.Stdout.Lines);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_port_in_use_is_reported_as_address_already_in_use_with_exit_code_3()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        using var cli = CliProcess.Start("server", "--port", port);
        var code = await cli.WaitForExitAsync(ExitTimeout);

        Assert.Equal(3, code);
        Assert.Contains($"akkasockets server: cannot listen on 127.0.0.1:{port}: address already in use", cli.Stderr.Lines);
        Assert.DoesNotContain(cli.Stdout.Lines, l => l.StartsWith("Listening on", StringComparison.Ordinal));
    }
}
