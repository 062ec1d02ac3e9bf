using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using AkkaSockets.Cli.Commands;
using AkkaSockets.Actors.Http;

namespace AkkaSockets.Cli.Rendering;

/// <summary>
/// Runs one fetch and renders its events: each response head on stdout as the tutorial prints
/// it, progress on stderr (a terminal only), one line on stderr for a failure. Completes the
/// command's result with the exit code.
/// </summary>
public sealed class FetchConsoleActor : UntypedActor
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    private readonly FetchSettings _settings;
    private readonly FetchPage _page;
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly bool _progress;
    private readonly TaskCompletionSource<int> _result;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private IActorRef _fetch = ActorRefs.Nobody;
    private int _heads;
    private TimeSpan _lastProgress = -ProgressInterval;
    private bool _progressShown;
    private Exception? _crash;

    public FetchConsoleActor(FetchSettings settings, FetchPage page, TextWriter output, TextWriter error, bool progress, TaskCompletionSource<int> result)
    {
        _settings = settings;
        _page = page;
        _out = output;
        _err = error;
        _progress = progress;
        _result = result;
    }

    public static Props Props(FetchSettings settings, FetchPage page, TextWriter output, TextWriter error, bool progress, TaskCompletionSource<int> result) =>
        Akka.Actor.Props.Create(() => new FetchConsoleActor(settings, page, output, error, progress, result));

    // A fetch that throws is over: its PostStop removes the temporary file, and this reports it.
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
    {
        _crash = e;
        return Directive.Stop;
    });

    protected override void PreStart()
    {
        _fetch = Context.ActorOf(HttpFetchActor.Props(_settings), "http-fetch");
        Context.Watch(_fetch);
        _fetch.Tell(_page);
    }

    // A renderer bug must end the run with an answer, not start the fetch again.
    protected override void PreRestart(Exception reason, object message)
    {
        base.PreRestart(reason, message);
        _err.WriteLine($"akkasockets fetch: internal error: {reason.Message}");
        Finish(ExitCodes.Failure);
    }

    protected override void PostRestart(Exception reason)
    {
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ResponseHeadReceived received:
                EndProgressLine();
                // With -o - the body owns stdout, so the heads go to stderr.
                var heads = _page.BodyStream is null ? _out : _err;
                if (_heads++ > 0)
                    heads.WriteLine();
                foreach (var line in received.Head.Lines)
                    heads.WriteLine(line);
                heads.Flush();
                break;
            case FetchProgressed progressed:
                ShowProgress(progressed);
                break;
            case PageSaved saved:
                EndProgressLine();
                if (_progress)
                    _err.WriteLine($"Saved {saved.Path} ({FormatBytes(saved.Bytes)})");
                Finish(ExitCodes.Ok);
                break;
            case FetchFailed failed:
                EndProgressLine();
                _err.WriteLine($"akkasockets fetch: {failed.Reason}");
                Finish(FetchCommand.ExitCodeFor(failed.Failure));
                break;
            case CancelFetch:
                _fetch.Tell(CancelFetch.Instance);
                break;
            case Terminated:
                if (!_result.Task.IsCompleted)
                {
                    _err.WriteLine($"akkasockets fetch: the fetch stopped unexpectedly: {_crash?.Message ?? "no reason given"}");
                    Finish(ExitCodes.Failure);
                }

                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Finish(int code)
    {
        _out.Flush();
        _err.Flush();
        _result.TrySetResult(code);
    }

    private void ShowProgress(FetchProgressed progressed)
    {
        if (!_progress)
            return;
        var now = _clock.Elapsed;
        if (now - _lastProgress < ProgressInterval)
            return;
        _lastProgress = now;
        var rate = progressed.BytesSaved / Math.Max(now.TotalSeconds, 0.001);
        var text = progressed.ExpectedBytes is { } total and > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{100.0 * progressed.BytesSaved / total,5:0.0}% {FormatBytes(progressed.BytesSaved)} of {FormatBytes(total)}  {FormatBytes((long)rate)}/s")
            : $"{FormatBytes(progressed.BytesSaved)}  {FormatBytes((long)rate)}/s";
        _err.Write($"\r{text}\u001b[K");
        _err.Flush();
        _progressShown = true;
    }

    private void EndProgressLine()
    {
        if (!_progressShown)
            return;
        _err.WriteLine();
        _progressShown = false;
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB"),
    };
}
