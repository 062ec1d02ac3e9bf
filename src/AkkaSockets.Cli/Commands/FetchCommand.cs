using System.CommandLine;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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

    /// <summary>The command's name on the command line.</summary>
    public const string Name = "fetch";

    public static Command Create()
    {
        var flags = new FlagConfig();
        var command = new Command(Name, "GET an http:// or https:// URL, print each response head and save the body.");
        var url = new Argument<string>("URL") { Description = "The http:// or https:// URL to fetch." };
        var output = new Option<string>("--output", "-o") { Description = "Save the body here; - writes it to stdout (heads then go to stderr). [last path segment, index.html for /]" };
        var cacert = new Option<string>("--cacert") { Description = "PEM file of extra trusted CA certificates, for servers with a private CA." };
        var insecure = new Option<bool>("--insecure", "-k") { Description = "Do not check the server's certificate (says so on stderr)." };
        var fail = new Option<bool>("--fail") { Description = "Exit non-zero on HTTP status 400 or more, saving nothing." };
        var config = new Option<string>("--config") { Description = "HOCON file layered over the embedded defaults." };
        var timeout = flags.Add("--timeout", "akkasockets.fetch.idle-timeout", "Connect timeout, and longest wait for data. [30s]");
        command.Add(url);
        command.Add(output);
        command.Add(fail);
        command.Add(cacert);
        command.Add(insecure);
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
                return ExitCodes.Usage;
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

            TlsTrust trust;
            try
            {
                trust = Trust(parse.GetValue(cacert), parse.GetValue(insecure));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                await stderr.WriteLineAsync($"akkasockets fetch: cannot read --cacert {parse.GetValue(cacert)}: {e.Message}");
                return ExitCodes.Usage;
            }

            if (trust.Insecure && target.IsHttps)
                await stderr.WriteLineAsync("akkasockets fetch: warning: --insecure: the server's certificate is not checked");

            var path = parse.GetValue(output) is { Length: > 0 } given ? given : target.DefaultFileName;
            var page = new FetchPage(target, path, parse.GetValue(fail))
            {
                Trust = trust,
                BodyStream = path == "-" ? Console.OpenStandardOutput : null,
            };
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

    private static TlsTrust Trust(string? cacert, bool insecure)
    {
        if (cacert is null)
            return insecure ? TlsTrust.System with { Insecure = true } : TlsTrust.System;
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(cacert);
        if (roots.Count == 0)
            throw new CryptographicException("no PEM certificate in the file");
        return new TlsTrust(roots, insecure);
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
        FetchFailure.BadRedirect => ExitCodes.FetchBadRedirect,
        FetchFailure.FileError => ExitCodes.FetchFileError,
        FetchFailure.Cancelled => ExitCodes.Interrupted,
        FetchFailure.TlsHandshakeFailed => ExitCodes.FetchTlsHandshakeFailed,
        FetchFailure.CertificateUntrusted => ExitCodes.FetchCertificateUntrusted,
        FetchFailure.CertificateNameMismatch => ExitCodes.FetchCertificateNameMismatch,
        FetchFailure.CertificateExpired => ExitCodes.FetchCertificateExpired,
        _ => ExitCodes.Failure,
    };
}
