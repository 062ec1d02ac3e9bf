using System.CommandLine;
using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Configuration;
using AkkaSockets.Cli.Rendering;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Actors.Http;
using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Cli.Commands;

public static class FetchCommand
{
    // stdout carries only response heads, so Akka's own logging is off in this one-shot node.
    private const string QuietAkka = """
        akka.loglevel = OFF
        akka.stdout-loglevel = OFF
        """;

    public static Command Create()
    {
        var flags = new FlagConfig();
        var command = new Command("fetch", "GET an http:// URL, print each response head and save the body.");
        var url = new Argument<string>("URL") { Description = "The http:// URL to fetch." };
        var output = new Option<string>("--output", "-o") { Description = "Save the body here. [last path segment, index.html for /]" };
        var fail = new Option<bool>("--fail") { Description = "Exit non-zero on HTTP status 400 or more, saving nothing." };
        var config = new Option<string>("--config") { Description = "HOCON file layered over the embedded defaults." };
        var timeout = flags.Add("--timeout", "akkasockets.fetch.idle-timeout", "Connect timeout, and longest wait for data. [30s]");
        command.Add(url);
        command.Add(output);
        command.Add(fail);
        command.Add(flags.Add("--max-redirects", "akkasockets.fetch.max-redirects", "Redirects followed before giving up. [5]"));
        command.Add(timeout);
        command.Add(config);

        command.SetAction(async (parse, _) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;

            HttpUrl target;
            try
            {
                target = HttpUrl.Parse(parse.GetValue(url)!);
            }
            catch (HttpUrlException e)
            {
                await stderr.WriteLineAsync($"akkasockets fetch: {e.Message}");
                return e.Error == HttpUrlError.HttpsUnsupported ? ExitCodes.FetchHttpsUnsupported : ExitCodes.Usage;
            }

            Config composed;
            FetchSettings settings;
            try
            {
                composed = flags.Compose(parse, parse.GetValue(config), "fetch", "common");
                // One --timeout bounds both the connect and every wait for data.
                if (parse.GetValue(timeout) is { } value)
                    composed = HoconDefaults.FromPairs([new("akkasockets.fetch.connect-timeout", value)]).WithFallback(composed);
                settings = FetchSettings.FromConfig(composed);
            }
            catch (SettingsException e)
            {
                await stderr.WriteLineAsync($"akkasockets fetch: {flags.Describe(e, parse)}");
                return ExitCodes.Usage;
            }

            var path = parse.GetValue(output) is { Length: > 0 } given ? given : target.DefaultFileName;
            var page = new FetchPage(target, path, parse.GetValue(fail));
            var progress = !Console.IsErrorRedirected;
            return await RunAsync(ConfigurationFactory.ParseString(QuietAkka).WithFallback(composed), settings, page, stdout, stderr, progress);
        });
        return command;
    }

    private static async Task<int> RunAsync(Config config, FetchSettings settings, FetchPage page, TextWriter stdout, TextWriter stderr, bool progress)
    {
        using var system = ActorSystem.Create("akkasockets-fetch", config);
        var result = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var console = system.ActorOf(FetchConsoleActor.Props(settings, page, stdout, stderr, progress, result), "fetch");

        // Ctrl+C / SIGTERM: the fetch removes its temporary file before the process exits.
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            console.Tell(CancelFetch.Instance);
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        var code = await result.Task;
        await system.Terminate();
        return code;
    }

    public static int ExitCodeFor(FetchFailure failure) => failure switch
    {
        FetchFailure.DnsFailed => ExitCodes.FetchDnsFailed,
        FetchFailure.ConnectionRefused => ExitCodes.FetchConnectionRefused,
        FetchFailure.ConnectTimeout or FetchFailure.IdleTimeout => ExitCodes.FetchTimeout,
        FetchFailure.ConnectionLost => ExitCodes.FetchConnectionLost,
        FetchFailure.MalformedHead => ExitCodes.FetchMalformedHead,
        FetchFailure.HeadTooLarge => ExitCodes.FetchHeadTooLarge,
        FetchFailure.MalformedBody => ExitCodes.FetchMalformedBody,
        FetchFailure.TruncatedBody => ExitCodes.FetchTruncatedBody,
        FetchFailure.TooManyRedirects => ExitCodes.FetchTooManyRedirects,
        FetchFailure.HttpError => ExitCodes.FetchHttpError,
        FetchFailure.HttpsUnsupported => ExitCodes.FetchHttpsUnsupported,
        FetchFailure.BadRedirect => ExitCodes.FetchBadRedirect,
        FetchFailure.FileError => ExitCodes.FetchFileError,
        FetchFailure.Cancelled => ExitCodes.Interrupted,
        _ => ExitCodes.Failure,
    };
}
