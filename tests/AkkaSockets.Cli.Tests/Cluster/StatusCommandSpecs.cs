using System.Net;
using System.Net.Sockets;

namespace AkkaSockets.Cli.Tests.Cluster;

public sealed class StatusCommandSpecs
{
    [Fact]
    public async Task Status_with_no_seed_answering_prints_one_line_and_exits_41()
    {
        // Something listens on the seed's port but never speaks Akka: the join cannot complete.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        using var status = CliProcess.Start("status", "--seed", $"127.0.0.1:{port}", "--timeout", "2s");
        var code = await status.WaitForExitAsync(ClusterProcesses.Patience);

        Assert.Equal(41, code);
        Assert.Equal([$"akkasockets status: no seed answered within 2s (127.0.0.1:{port})"], status.Stderr.Lines);
        Assert.Empty(status.Stdout.Lines);
    }

    [Fact]
    public async Task Status_without_a_seed_is_a_usage_error()
    {
        using var status = CliProcess.Start("status");

        Assert.Equal(2, await status.WaitForExitAsync(ClusterProcesses.Patience));
        Assert.Equal(["akkasockets status: --seed: give at least one seed (HOST:PORT)"], status.Stderr.Lines);
    }

    [Fact]
    public async Task A_server_with_a_malformed_seed_names_the_flag_and_starts_nothing()
    {
        using var server = CliProcess.Start("server", "--port", "0", "--seed", "nowhere");

        Assert.Equal(2, await server.WaitForExitAsync(ClusterProcesses.Patience));
        Assert.Equal(["akkasockets server: --seed: 'nowhere' is not HOST:PORT (a cluster port from 1 to 65535)"], server.Stderr.Lines);
        Assert.Empty(server.Stdout.Lines);
    }
}
