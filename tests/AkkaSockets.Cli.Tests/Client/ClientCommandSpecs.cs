using System.Net;

namespace AkkaSockets.Cli.Tests.Client;

public sealed class ClientCommandSpecs : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly ServerFixture _server;

    public ClientCommandSpecs(ServerFixture server) => _server = server;

    [Fact]
    public async Task Against_the_server_stdout_is_exactly_the_tutorial_clients_four_lines_and_the_exit_code_is_0()
    {
        var result = await CliProcess.RunAsync("client", "--port", Port(_server.Port));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Welcome!\nHello, Michael!\nHello, Tracy!\nHello, Sarah!\n", result.Stdout);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Theory]
    [InlineData("direct")]
    [InlineData("akka-io")]
    public async Task Either_transport_prints_the_same_four_lines(string transport)
    {
        var result = await CliProcess.RunAsync("client", "--port", Port(_server.Port), "--transport", transport);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Welcome!\nHello, Michael!\nHello, Tracy!\nHello, Sarah!\n", result.Stdout);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Through_akka_io_a_port_nobody_listens_on_still_gives_exit_code_10()
    {
        using var closed = new ClosedPort();

        var result = await CliProcess.RunAsync("client", "--port", Port(closed.Port), "--transport", "akka-io");

        Assert.True(result.ExitCode == 10, result.ToString());
        Assert.Contains("connection refused", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_given_on_the_command_line_are_sent_instead_and_UTF8_names_come_back_intact()
    {
        var result = await CliProcess.RunAsync("client", "--host", "localhost", "--port", Port(_server.Port), "Zoë", "李雷", "Ωmega 🚀");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["Welcome!", "Hello, Zoë!", "Hello, 李雷!", "Hello, Ωmega 🚀!"], result.StdoutLines);
    }

    [Fact]
    public async Task A_port_nobody_listens_on_gives_one_line_on_stderr_and_exit_code_10()
    {
        using var closed = new ClosedPort();
        var port = closed.Port;

        var result = await CliProcess.RunAsync("client", "--port", Port(port));

        Assert.True(result.ExitCode == 10, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("connection refused", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_under_the_reserved_invalid_domain_gives_one_line_and_exit_code_11()
    {
        var result = await CliProcess.RunAsync("client", "--host", "no-such-host.invalid", "--port", "9999");

        Assert.True(result.ExitCode == 11, result.ToString());
        Assert.Contains("unknown host", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_never_replies_gives_one_line_and_exit_code_12_after_the_reply_timeout()
    {
        await using var stub = StubServer.Start(async c =>
        {
            await c.SendAsync("Welcome!");
            await c.DrainUntilClosedAsync();
        });

        // Long enough for a cold process on a busy machine to take in the welcome first.
        var result = await CliProcess.RunAsync("client", "--port", Port(stub.Port), "--timeout", "1s");

        Assert.True(result.ExitCode == 12, result.ToString());
        // What did arrive is still printed; the missing reply is not.
        Assert.Equal(["Welcome!"], result.StdoutLines);
        Assert.Contains("no reply to 'Michael' within 1s", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_closes_after_the_welcome_gives_one_line_and_exit_code_13()
    {
        await using var stub = StubServer.Start(async c =>
        {
            await c.SendAsync("Welcome!");
            await c.ReceiveAsync("Michael");
            c.Close();
        });

        var result = await CliProcess.RunAsync("client", "--port", Port(stub.Port));

        Assert.True(result.ExitCode == 13, result.ToString());
        Assert.Equal(["Welcome!"], result.StdoutLines);
        Assert.Contains("closed the connection", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        await stub.Served.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_reply_other_than_hello_name_gives_one_line_quoting_it_and_exit_code_14()
    {
        await using var stub = StubServer.Start(async c =>
        {
            await c.SendAsync("Welcome!");
            await c.ReceiveAsync("Michael");
            await c.SendAsync("Hi, Michael!");
            await c.DrainUntilClosedAsync();
        });

        var result = await CliProcess.RunAsync("client", "--port", Port(stub.Port));

        Assert.True(result.ExitCode == 14, result.ToString());
        Assert.Equal(["Welcome!"], result.StdoutLines);
        Assert.Contains("'Hi, Michael!'", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        await stub.Served.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_server_at_its_max_connections_makes_the_next_client_exit_15_with_one_line_saying_it_is_busy()
    {
        var (server, port) = await CliProcess.StartServerAsync("--delay", "20ms", "--max-connections", "1");
        using (server)
        {
            using var first = await LoopbackClient.ConnectAsync(port);
            await first.ExpectAsync("Welcome!");

            var result = await CliProcess.RunAsync("client", "--port", Port(port));

            Assert.True(result.ExitCode == 15, result.ToString());
            Assert.Equal(string.Empty, result.Stdout);
            Assert.Contains("busy", Assert.Single(result.StderrLines), StringComparison.Ordinal);
            // The one allowed connection is still served.
            await first.SendAsync("Michael");
            await first.ExpectAsync("Hello, Michael!");
        }
    }

    [Fact]
    public async Task A_reply_sent_one_byte_at_a_time_is_printed_whole_on_one_line()
    {
        await using var stub = StubServer.Start(async c =>
        {
            await c.SendByteByByteAsync("Welcome!");
            var name = await c.ReceiveAsync("Ada");
            await c.SendByteByByteAsync($"Hello, {name}!");
            await c.ReceiveAsync("exit");
        });

        var result = await CliProcess.RunAsync("client", "--port", Port(stub.Port), "Ada");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Welcome!\nHello, Ada!\n", result.Stdout);
        await stub.Served.WaitAsync(Wait);
    }

    [Theory]
    [InlineData("--timeout", "soon")]
    [InlineData("--port", "70000")]
    [InlineData("--bogus", "1")]
    [InlineData("--transport", "carrier-pigeon")]
    public async Task A_bad_flag_gives_one_line_naming_it_and_exit_code_2(string flag, string value)
    {
        var result = await CliProcess.RunAsync("client", flag, value);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(flag, Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
