using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xunit.Sdk;

namespace AkkaSockets.Cli.Tests.Support;

/// <summary>The process runner itself: a start that fails must say why.</summary>
public sealed class CliProcessSpecs
{
    [Fact]
    public async Task A_server_that_never_listens_fails_its_start_with_its_exit_code_and_what_it_wrote_on_stderr()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var failure = await Assert.ThrowsAsync<XunitException>(
            () => CliProcess.StartListeningAsync("127.0.0.1", CliProcess.Dotnet, [CliProcess.Akkasockets, "server", "--port", port]));

        Assert.Contains("exit code 3", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"akkasockets server: cannot listen on 127.0.0.1:{port}: address already in use", failure.Message, StringComparison.Ordinal);
    }
}
