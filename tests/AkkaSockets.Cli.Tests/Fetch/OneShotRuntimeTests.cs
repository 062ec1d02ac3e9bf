using System.CommandLine;
using AkkaSockets.Cli.Commands;
using AkkaSockets.Cli.Hosting;

namespace AkkaSockets.Cli.Tests.Fetch;

/// <summary>
/// Which commands run without dynamic code. The fetch specs that run the real executable
/// (FetchSavesSpecs, FetchHttpsSpecs, the malicious-server suites over plain and TLS) run it so.
/// </summary>
public sealed class OneShotRuntimeTests
{
    private static readonly RootCommand Root = WithCommands(new RootCommand());

    private static RootCommand WithCommands(RootCommand root)
    {
        foreach (var command in CliCommands.Create())
            root.Subcommands.Add(command);
        return root;
    }

    [Theory]
    [InlineData("fetch", "http://127.0.0.1:1/")]
    [InlineData("fetch", "http://127.0.0.1:1/", "-o", "-")]
    public void The_fetch_command_is_one_shot(params string[] args) =>
        Assert.True(OneShotRuntime.IsOneShot(Root.Parse(args).CommandResult.Command));

    [Theory]
    [InlineData("server")]
    [InlineData("client", "Michael")]
    [InlineData("load", "--sessions", "10")]
    [InlineData("load-worker")]
    [InlineData("status")]
    [InlineData("--help")]
    public void Long_running_commands_and_the_root_keep_dynamic_code(params string[] args) =>
        Assert.False(OneShotRuntime.IsOneShot(Root.Parse(args).CommandResult.Command));
}
