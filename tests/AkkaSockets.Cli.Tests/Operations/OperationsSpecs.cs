using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using AkkaSockets.Cli.Commands;
using AkkaSockets.Cli.Tests.Server;

namespace AkkaSockets.Cli.Tests.Operations;

/// <summary>Metrics, logs, signals and packaging, on real processes.</summary>
public sealed partial class OperationsSpecs
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly Dictionary<string, string> Debug = new() { ["Logging__LogLevel__Default"] = "Debug" };

    [Fact]
    public async Task Metrics_port_serves_every_server_instrument_as_prometheus_text()
    {
        var metricsPort = FreePort();
        var (server, port) = await CliProcess.StartServerAsync("--delay", "10ms", "--metrics-port", metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
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

            await server.Stderr.WaitForAsync($"akkasockets server: metrics at http://127.0.0.1:{metricsPort}/metrics", Timeout);
            using var http = new HttpClient { Timeout = Timeout };
            var text = "";
            var deadline = Stopwatch.StartNew();
            // The connection's end is recorded as its actor stops, just after the client sees FIN.
            while (!text.Contains("reason=\"exit\"", StringComparison.Ordinal) && deadline.Elapsed < Timeout)
                text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"));

            Assert.Equal("1", Sample(text, "akkasockets_server_accepted_connections_total"));
            Assert.Equal("0", Sample(text, "akkasockets_server_active_connections"));
            Assert.Equal("1", Sample(text, "akkasockets_server_replies_total"));
            Assert.Equal("0", Sample(text, "akkasockets_server_queued_messages"));
            Assert.Equal("1", Sample(text, "akkasockets_server_connection_duration_seconds_count", "reason=\"exit\""));
            Assert.Contains("service_name=\"akkasockets\"", text, StringComparison.Ordinal);

            server.Terminate();
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
    }

    [Fact]
    public async Task Diagnostics_are_one_line_each_with_a_utc_timestamp_on_stderr_and_stdout_keeps_only_the_tutorials_lines()
    {
        var (server, port) = await CliProcess.StartServerAsync("--delay", "10ms");
        using (server)
        {
            var (exit, stdout, stderr) = await CliRun.RunAsync(Debug, "client", "--port", Port(port));

            Assert.Equal(0, exit);
            Assert.Equal(["Welcome!", "Hello, Michael!", "Hello, Tracy!", "Hello, Sarah!"], stdout);
            Assert.NotEmpty(stderr);
            Assert.All(stderr, line => Assert.Matches(SimpleLine(), line));
            Assert.DoesNotContain(stderr, line => line.Contains("[DEBUG]", StringComparison.Ordinal));
            server.Terminate();
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
    }

    [Theory]
    [InlineData("flag")]
    [InlineData("environment")]
    public async Task Json_logs_are_one_json_object_per_line_chosen_by_flag_or_by_environment(string how)
    {
        var (server, port) = await CliProcess.StartServerAsync("--delay", "10ms");
        using (server)
        {
            var environment = new Dictionary<string, string>(Debug);
            string[] args = ["client", "--port", Port(port)];
            if (how == "flag")
                args = ["--log-format", "json", .. args];
            else
                environment["Logging__Console__FormatterName"] = "json";

            var (exit, stdout, stderr) = await CliRun.RunAsync(environment, args);

            Assert.Equal(0, exit);
            Assert.Equal(4, stdout.Length);
            Assert.NotEmpty(stderr);
            Assert.All(stderr, line =>
            {
                using var json = JsonDocument.Parse(line);
                Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", json.RootElement.GetProperty("Timestamp").GetString());
                Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("Category").GetString()));
                Assert.DoesNotContain("[DEBUG]", json.RootElement.GetProperty("Message").GetString(), StringComparison.Ordinal);
            });
            server.Terminate();
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
    }

    [Fact]
    public async Task The_first_interrupt_says_how_many_connections_are_draining_and_how_to_stop_now()
    {
        var (server, port) = await CliProcess.StartServerAsync("--delay", "10ms");
        using (server)
        {
            using var client = await LoopbackClient.ConnectAsync(port);
            await client.ExpectAsync("Welcome!");
            await server.Stdout.WaitForAsync($"Accept new connection from 127.0.0.1:{client.LocalPort}...", Timeout);

            server.Interrupt();

            await server.Stderr.WaitForAsync("Draining 1 connection (up to 10s); press Ctrl+C again to stop now", Timeout);
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
    }

    [Theory]
    [InlineData("server --prot 1 --dela 2s",
        "akkasockets server: unknown option '--prot' (did you mean '--port'?)|akkasockets server: unknown option '--dela' (did you mean '--delay'?) (see 'akkasockets server --help')")]
    [InlineData("client --prot 1 Bob",
        "akkasockets client: unknown option '--prot' (did you mean '--port'?); put names that start with '-' after --")]
    [InlineData("client --framing lines",
        "akkasockets client: --framing: 'lines' is not one of chunk, line")]
    public async Task Every_parse_error_is_shown_with_the_nearest_name(string commandLine, string expected)
    {
        var (exit, stdout, stderr) = await CliRun.RunAsync(new Dictionary<string, string>(), commandLine.Split(' '));

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(stdout);
        Assert.Equal(expected.Split('|'), stderr);
    }

    [Fact]
    public async Task An_unknown_command_names_the_nearest_and_shows_the_commands()
    {
        var (exit, _, stderr) = await CliRun.RunAsync(new Dictionary<string, string>(), "serve");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("akkasockets: unknown command 'serve' (did you mean 'server'?)", stderr[0]);
        Assert.Contains(stderr, line => line.TrimStart().StartsWith("server ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_arguments_prints_the_help_with_client_names_optional()
    {
        var (exit, stdout, stderr) = await CliRun.RunAsync(new Dictionary<string, string>());

        Assert.Equal(0, exit);
        Assert.Empty(stderr);
        Assert.Contains(stdout, line => line.TrimStart().StartsWith("client [<NAME>...]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_config_file_with_a_misspelled_key_is_refused_naming_file_and_key()
    {
        var file = Path.Combine(Path.GetTempPath(), $"akkasockets-{Guid.NewGuid():N}.hocon");
        await File.WriteAllTextAsync(file, "akkasockets.server { prot = 9000 }\n");
        try
        {
            var (exit, _, stderr) = await CliRun.RunAsync(new Dictionary<string, string>(), "server", "--config", file);

            Assert.Equal(ExitCodes.Usage, exit);
            Assert.Equal([$"akkasockets server: --config {file}: unknown key akkasockets.server.prot"], stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_chunk_client_against_a_line_server_hints_at_the_framing()
    {
        var (server, port) = await CliProcess.StartServerAsync("--delay", "10ms", "--framing", "line");
        using (server)
        {
            var (exit, _, stderr) = await CliRun.RunAsync(new Dictionary<string, string>(), "client", "--port", Port(port));

            Assert.Equal(ExitCodes.UnexpectedReply, exit);
            Assert.Contains(
                "akkasockets client: \\r\\n came back, as line framing sends it: is the server run with --framing line? Then use --framing line here too",
                stderr);
            server.Terminate();
            Assert.Equal(0, await server.WaitForExitAsync(Timeout));
        }
    }

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The value of the one sample of <paramref name="metric"/> whose labels include <paramref name="label"/>.</summary>
    private static string Sample(string text, string metric, string label = "")
    {
        var line = text.Split('\n').SingleOrDefault(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal));
        Assert.True(line is not null, $"no {metric} sample with {label} in:\n{text}");
        return line.Split("} ", 2)[1].Split(' ')[0];
    }

    /// <summary>
    /// A port the Prometheus listener can take: HttpListener cannot bind port 0 and report it, so
    /// the kernel picks one here and it is released just before the server binds it.
    /// </summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (trce|dbug|info|warn|fail|crit): \S+\[\d+\] ")]
    private static partial Regex SimpleLine();
}
