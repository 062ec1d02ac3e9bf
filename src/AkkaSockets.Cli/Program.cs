using System.CommandLine;
using AkkaSockets.Cli.Commands;

var root = new RootCommand("AkkaSockets: the socket tutorial's greeting server, its client and a page fetcher, on Akka.NET.")
{
    ServerCommand.Create(),
    ClientCommand.Create(),
    LoadCommand.Create(),
    FetchCommand.Create(),
    StatusCommand.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    await Console.Error.WriteLineAsync($"akkasockets: {parse.Errors[0].Message} (see --help)");
    return ExitCodes.Usage;
}

// The node's own lifetime owns Ctrl+C and SIGTERM (drain, then a second signal ends at once).
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
