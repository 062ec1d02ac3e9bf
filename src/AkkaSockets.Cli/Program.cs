using System.CommandLine;
using System.CommandLine.Help;
using AkkaSockets.Cli.Commands;
using AkkaSockets.Cli.Hosting;

var logFormat = new Option<string>("--log-format")
{
    Description = "Diagnostics on stderr: simple (one line each, UTC timestamp) or json. [simple]",
    Recursive = true,
};
logFormat.AcceptOnlyFromAmong("simple", "json");

var root = new RootCommand("AkkaSockets: the socket tutorial's greeting server, its client and a page fetcher, on Akka.NET.");
foreach (var command in CliCommands.Create())
    root.Subcommands.Add(command);
root.Options.Add(logFormat);

// The command list would show `client <NAME>` as if names were required; they are optional.
var helpOption = root.Options.OfType<HelpOption>().FirstOrDefault();
if (helpOption is { Action: HelpAction standard })
    helpOption.Action = new OptionalNamesHelp(standard);

// No arguments, or no command: the help, rather than "Required command was not provided."
if (args.Length == 0)
    args = ["--help"];

var parse = root.Parse(args);
// `fetch --help` asks for help, not for the URL it lacks: help wins over the other errors.
if (parse.Errors.Count > 0 && (helpOption is null || parse.Action != helpOption.Action))
    return await UsageErrors.ReportAsync(parse, Console.Error);

NodeHost.LogFormat = parse.GetValue(logFormat);

// Before any actor system reads it: a one-shot fetch runs without dynamic code (docs/performance.md).
OneShotRuntime.Apply(parse.CommandResult.Command);

// The node's own lifetime owns Ctrl+C and SIGTERM (drain, then a second signal ends at once).
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
