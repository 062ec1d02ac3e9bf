using System.CommandLine;
using Akka.Configuration;
using AkkaSockets.Actors.Cluster;
using AkkaSockets.Actors.Configuration;

namespace AkkaSockets.Cli.Commands;

/// <summary>
/// The flags every cluster command takes, with one meaning everywhere: <c>--cluster-port</c>,
/// <c>--cluster-host</c> and <c>--seed HOST:PORT</c> (repeatable), as a HOCON layer over
/// <c>akkasockets.cluster</c>.
/// </summary>
public sealed class ClusterFlags
{
    public Option<string> Port { get; } = new("--cluster-port")
    {
        Description = "Cluster port of this node (0 picks a free one); joins a cluster.",
    };

    public Option<string> Host { get; } = new("--cluster-host")
    {
        Description = "Address the cluster port binds. [127.0.0.1]",
    };

    public Option<string[]> Seeds { get; } = new("--seed")
    {
        Description = "A seed node's HOST:CLUSTER-PORT; repeat for several. A node may name itself to start a cluster.",
        AllowMultipleArgumentsPerToken = false,
    };

    public void AddTo(Command command)
    {
        command.Add(Port);
        command.Add(Host);
        command.Add(Seeds);
    }

    /// <summary>True when any cluster flag was given.</summary>
    public bool Given(ParseResult parse) =>
        parse.GetValue(Port) is not null || parse.GetValue(Host) is not null || parse.GetValue(Seeds) is { Length: > 0 };

    /// <summary>The flags as HOCON; <paramref name="enable"/> also turns cluster mode on.</summary>
    public Config Layer(ParseResult parse, bool enable)
    {
        var lines = new List<string>();
        if (enable)
            lines.Add("akkasockets.cluster.enabled = on");
        if (parse.GetValue(Port) is { } port)
            lines.Add($"akkasockets.cluster.port = {HoconDefaults.Quote(port)}");
        if (parse.GetValue(Host) is { } host)
            lines.Add($"akkasockets.cluster.host = {HoconDefaults.Quote(host)}");
        if (parse.GetValue(Seeds) is { Length: > 0 } seeds)
            lines.Add($"akkasockets.cluster.seeds = [{string.Join(", ", seeds.Select(HoconDefaults.Quote))}]");
        return lines.Count == 0 ? Config.Empty : ConfigurationFactory.ParseString(string.Join('\n', lines));
    }

    /// <summary>The error line for a bad setting a cluster flag gave, under the flag's name; else null.</summary>
    public string? Describe(SettingsException error, ParseResult parse) => error.Key switch
    {
        ClusterSettings.Section + ".port" when parse.GetValue(Port) is not null => $"{Port.Name}: {error.Reason}",
        ClusterSettings.Section + ".host" when parse.GetValue(Host) is not null => $"{Host.Name}: {error.Reason}",
        ClusterSettings.Section + ".seeds" when parse.GetValue(Seeds) is { Length: > 0 } => $"{Seeds.Name}: {error.Reason}",
        _ => null,
    };
}
