using System.CommandLine;
using Akka.Actor;
using AkkaSockets.Cli.Hosting;
using AkkaSockets.Cli.Rendering;
using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Protocol.Framing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AkkaSockets.Cli.Commands;

public static class ClientCommand
{
    public static Command Create()
    {
        var flags = new FlagConfig();
        var command = new Command("client", "Run the tutorial's client: print the welcome, send each name and print its reply, then exit.");
        var config = new Option<string>("--config") { Description = "HOCON file layered over the embedded defaults." };
        var names = new Argument<string[]>("NAME")
        {
            Description = "Names to send, one at a time. [Michael Tracy Sarah]",
            Arity = ArgumentArity.ZeroOrMore,
        };
        AddConnectionFlags(command, flags);
        command.Add(flags.Add("--framing", "akkasockets.client.framing", "chunk (the tutorial's bare bytes) or line (names end with \\n); as the server's --framing. [chunk]"));
        command.Add(config);
        command.Add(names);

        command.SetAction(async (parse, _) =>
        {
            ClientSettings settings;
            Akka.Configuration.Config composed;
            try
            {
                var given = parse.GetValue(names);
                RejectUnknownOptions(parse, given, command);
                composed = flags.Compose(parse, parse.GetValue(config), "common", "client");
                settings = WithNames(ClientSettings.FromConfig(composed), given, "NAME");
            }
            catch (SettingsException e)
            {
                await Console.Error.WriteLineAsync($"akkasockets client: {flags.Describe(e, parse)}");
                return ExitCodes.Usage;
            }

            return await RunAsync(composed, settings);
        });
        return command;
    }

    /// <summary>
    /// An unknown flag would otherwise be sent as a name (a typo like --prot); after <c>--</c>
    /// a name may start with a dash.
    /// </summary>
    private static void RejectUnknownOptions(ParseResult parse, string[]? names, Command command)
    {
        if (names is null || parse.Tokens.Any(t => t.Type == System.CommandLine.Parsing.TokenType.DoubleDash))
            return;
        if (names.FirstOrDefault(n => n.StartsWith('-')) is { } unknown)
            throw new SettingsException($"{UsageErrors.Unknown(command, unknown)}; put names that start with '-' after --");
    }

    /// <summary>Where and how to connect: the flags `client` and `load` share.</summary>
    internal static void AddConnectionFlags(Command command, FlagConfig flags)
    {
        command.Add(flags.Add("--host", "akkasockets.client.host", "Server address or host name. [127.0.0.1]"));
        command.Add(flags.Add("--port", "akkasockets.client.port", "Server port. [9999]"));
        command.Add(flags.Add("--timeout", "akkasockets.client.timeout", "Longest wait for the welcome and for each reply. [10s]"));
        command.Add(flags.Add("--transport", "akkasockets.client.transport", "direct (each session actor owns its socket) or akka-io. [direct]"));
    }

    /// <summary>Names from the command line, when given, replace the configured ones.</summary>
    internal static ClientSettings WithNames(ClientSettings settings, string[]? names, string label) =>
        names is { Length: > 0 }
            ? settings with { Names = ClientSettings.ValidateNames(names, label, settings.Framing) }
            : settings;

    private static async Task<int> RunAsync(Akka.Configuration.Config config, ClientSettings settings)
    {
        var outcome = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        var session = ClientSession.From(settings, reportEachStep: true);
        using var host = ClientNode.Build(config, (system, _) =>
        {
            var console = system.ActorOf(ClientConsoleActor.Props(Console.Out, outcome), "console");
            system.ActorOf(GreetingClientActor.Props(session, 0, console), "client");
        });
        await host.StartAsync();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        await using (lifetime.ApplicationStopping.Register(() => outcome.TrySetResult(Interrupted.Instance)))
        {
            var result = await outcome.Task;
            await host.StopAsync();
            return result switch
            {
                SessionCompleted => ExitCodes.Ok,
                SessionFailed failed => await ReportAsync(settings, failed),
                _ => ExitCodes.Interrupted,
            };
        }
    }

    private static async Task<int> ReportAsync(ClientSettings settings, SessionFailed failed)
    {
        var server = HostPort.Format(settings.Host, settings.Port);
        await Console.Error.WriteLineAsync($"akkasockets client: {server}: {failed.Detail}");
        if (FramingHint(settings.Framing, failed) is { } hint)
            await Console.Error.WriteLineAsync($"akkasockets client: {hint}");
        return ExitCodeFor(failed.Cause);
    }

    /// <summary>A reply that looks like the other framing says so: the usual cause is a server run with the other --framing.</summary>
    internal static string? FramingHint(FramingMode framing, SessionFailed failed) =>
        (framing, failed.Cause) switch
        {
            (FramingMode.Chunk, SessionFailure.UnexpectedReply) when failed.Detail.Contains(@"\x0d\x0a", StringComparison.Ordinal) =>
                "\\r\\n came back, as line framing sends it: is the server run with --framing line? Then use --framing line here too",
            (FramingMode.Line, SessionFailure.Timeout) when failed.Detail.StartsWith("no welcome", StringComparison.Ordinal) =>
                "no line of the welcome ended with \\n: is the server run with chunk framing (the default)? Then drop --framing line",
            _ => null,
        };

    public static int ExitCodeFor(SessionFailure cause) => cause switch
    {
        SessionFailure.Refused => ExitCodes.ConnectionRefused,
        SessionFailure.UnknownHost => ExitCodes.UnknownHost,
        SessionFailure.Timeout => ExitCodes.Timeout,
        SessionFailure.ClosedEarly => ExitCodes.ClosedEarly,
        SessionFailure.UnexpectedReply => ExitCodes.UnexpectedReply,
        SessionFailure.ServerBusy => ExitCodes.ServerBusy,
        SessionFailure.Cancelled => ExitCodes.Interrupted,
        _ => ExitCodes.Failure,
    };

    private sealed class Interrupted
    {
        public static readonly Interrupted Instance = new();
    }
}
