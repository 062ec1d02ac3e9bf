using System.CommandLine;

namespace AkkaSockets.Cli.Commands;

/// <summary>The executable's commands, in the order <c>--help</c> lists them.</summary>
internal static class CliCommands
{
    public static Command[] Create() =>
    [
        ServerCommand.Create(),
        ClientCommand.Create(),
        LoadCommand.Create(),
        LoadWorkerCommand.Create(),
        FetchCommand.Create(),
        StatusCommand.Create(),
    ];
}
