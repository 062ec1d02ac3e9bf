using System.Globalization;
using System.Text.Json;

namespace AkkaSockets.Cli.Tests.Cluster;

/// <summary>
/// Server nodes as real processes on loopback: a seed and two more nodes sharing one greeting
/// port with SO_REUSEPORT, one cluster, and what happens when a node is stopped, killed or frozen.
/// </summary>
public sealed class ClusterProcessSpecs : IDisposable
{
    private readonly ClusterProcesses _cluster = new();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task Two_reuse_port_nodes_and_a_seed_share_one_port_and_status_totals_match_what_200_clients_did()
    {
        var members = await _cluster.StartAsync(2, "--delay", "50ms", "--quiet");

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => GreetAsync(_cluster.GreetingPort, $"n{i}")));

        var status = await _cluster.AwaitStatusAsync(
            s => s.GetProperty("total").GetProperty("closed").GetInt64() == 200,
            "the 200 closes in its totals");
        var total = status.GetProperty("total");
        Assert.Equal(200, total.GetProperty("accepted").GetInt64());
        Assert.Equal(200, total.GetProperty("replies").GetInt64());
        Assert.Equal(200, total.GetProperty("closes").GetProperty("exit").GetInt64());
        Assert.Equal(0, total.GetProperty("open").GetInt64());
        Assert.Equal(3, status.GetProperty("members").GetArrayLength());

        var nodes = status.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("node").GetString()!);
        foreach (var member in members)
        {
            var accepted = nodes[ClusterProcesses.ClusterAddress(member)].GetProperty("accepted").GetInt64();
            Assert.True(accepted > 0, $"{ClusterProcesses.ClusterAddress(member)} took no connection:\n{status}");
        }

        Assert.Equal(200, nodes.Values.Sum(n => n.GetProperty("accepted").GetInt64()));
    }

    [Fact]
    public async Task Sigterm_on_a_node_mid_load_delivers_its_in_flight_replies_then_it_leaves_and_the_others_keep_serving()
    {
        var members = await _cluster.StartAsync(2, "--delay", "1s", "--framing", "line");
        var leaving = members[0];

        // 40 clients each send three names at once: each node has about 3 s of replies to give.
        var clients = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => LoopbackClient.ConnectAsync(_cluster.GreetingPort)));
        try
        {
            foreach (var client in clients)
                await client.ExpectAsync("Welcome!\r\n");
            foreach (var client in clients)
                await client.SendAsync("a\nb\nc\n");
            var ours = clients.Select(AcceptLine).ToHashSet();
            await leaving.Stdout.WaitForAsync(ours.Contains, CliProcess.StartTimeout, "one of our clients accepted by the node to stop");
            // The first reply shows the server has read the three names; two are still waiting out the delay.
            await Task.WhenAll(clients.Select(c => c.ExpectAsync("Hello, a!\r\n")));

            leaving.Terminate();

            await Task.WhenAll(clients.Select(c => c.ExpectAsync("Hello, b!\r\nHello, c!\r\n")));
            Assert.Equal(0, await leaving.WaitForExitAsync(ClusterProcesses.Patience));
            Assert.Contains(clients, c => AcceptedBy(leaving, c));
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }

        var status = await _cluster.AwaitMembersAsync(2);
        Assert.DoesNotContain(
            status.GetProperty("members").EnumerateArray(),
            m => m.GetProperty("address").GetString() == ClusterProcesses.ClusterAddress(leaving));
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => GreetLineAsync(_cluster.GreetingPort, $"after{i}")));
    }

    [Fact]
    public async Task Sigkill_on_a_node_gets_it_downed_within_the_resolver_time_and_new_clients_are_still_served()
    {
        var members = await _cluster.StartAsync(2, "--delay", "50ms", "--quiet");
        var killed = members[0];
        var address = ClusterProcesses.ClusterAddress(killed);

        ClusterProcesses.Kill(killed);

        await _cluster.AwaitDownedAsync(killed);
        var status = await _cluster.AwaitMembersAsync(2);
        Assert.DoesNotContain(status.GetProperty("members").EnumerateArray(), m => m.GetProperty("address").GetString() == address);
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => GreetAsync(_cluster.GreetingPort, $"k{i}")));
    }

    [Fact]
    public async Task A_frozen_node_is_downed_by_the_others_and_after_sigcont_exits_non_zero_saying_it_was_removed()
    {
        var members = await _cluster.StartAsync(2, "--delay", "50ms", "--quiet");
        var frozen = members[0];
        var address = ClusterProcesses.ClusterAddress(frozen);

        ClusterProcesses.Freeze(frozen);
        await _cluster.AwaitDownedAsync(frozen);
        await _cluster.AwaitMembersAsync(2);

        ClusterProcesses.Thaw(frozen);

        Assert.Equal(40, await frozen.WaitForExitAsync(ClusterProcesses.Patience));
        var removed = frozen.Stderr.Lines.Where(l => l.Contains("removed from the cluster", StringComparison.Ordinal)).ToList();
        Assert.Equal([$"akkasockets: this node ({address}) was downed and removed from the cluster; exiting"], removed);
    }

    private static bool AcceptedBy(CliProcess node, LoopbackClient client) => node.Stdout.Lines.Contains(AcceptLine(client));

    private static string AcceptLine(LoopbackClient client) =>
        $"Accept new connection from 127.0.0.1:{client.LocalPort.ToString(CultureInfo.InvariantCulture)}...";

    private static async Task GreetAsync(int port, string name)
    {
        using var client = await LoopbackClient.ConnectAsync(port);
        await client.ExpectAsync("Welcome!");
        await client.SendAsync(name);
        await client.ExpectAsync($"Hello, {name}!");
        await client.SendAsync("exit");
        await client.ExpectClosedAsync();
    }

    private static async Task GreetLineAsync(int port, string name)
    {
        using var client = await LoopbackClient.ConnectAsync(port);
        await client.ExpectAsync("Welcome!\r\n");
        await client.SendAsync($"{name}\nexit\n");
        await client.ExpectAsync($"Hello, {name}!\r\n");
        await client.ExpectClosedAsync();
    }
}
