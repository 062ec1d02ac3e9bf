using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Spectre.Console;
using AkkaSockets.Cli.Commands;
using AkkaSockets.Actors.Http;

namespace AkkaSockets.Cli.Rendering;

/// <summary>
/// Runs one fetch and renders its events: each response head on stdout as the tutorial prints
/// it (stderr when the body goes to stdout), progress on stderr (a terminal only, through
/// <see cref="FetchProgressView"/>) ending with the average rate, one line on stderr for a
/// failure. Completes the command's result with the exit code.
/// </summary>
public sealed class FetchConsoleActor : UntypedActor
{
    private readonly FetchSettings _settings;
    private readonly FetchPage _page;
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly bool _progress;
    private readonly TaskCompletionSource<int> _result;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private IActorRef _fetch = ActorRefs.Nobody;
    private int _heads;
    private FetchProgressView? _view;
    private bool _closingView;
    private TimeSpan _bodyStarted;
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
            case PageSaved or FetchFailed when _view is not null:
                // The live display ends first (at 100% on success), so nothing is written under it.
                var view = _view;
                _view = null;
                _closingView = true;
                var last = message;
                view.CloseAsync(complete: message is PageSaved).PipeTo(Self, success: () => last, failure: _ => last);
                break;
            case PageSaved saved:
                if (_progress)
                    _err.WriteLine(Summary(saved, _clock.Elapsed - _bodyStarted));
                Finish(ExitCodes.Ok);
                break;
            case FetchFailed failed:
                _err.WriteLine($"akkasockets fetch: {failed.Reason}");
                Finish(FetchCommand.ExitCodeFor(failed.Failure));
                break;
            case CancelFetch:
                _fetch.Tell(CancelFetch.Instance);
                break;
            case Terminated:
                // A fetch that ended stops right after its last event, which may wait for the display to close.
                if (!_result.Task.IsCompleted && !_closingView)
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
        if (_view is null)
        {
            _bodyStarted = _clock.Elapsed;
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_err) });
            _view = FetchProgressView.Start(console, _page.BodyStream is null ? Path.GetFileName(_page.TargetPath) : "stdout", progressed.ExpectedBytes);
        }

        _view.Report(progressed.BytesSaved);
    }

    internal static string Summary(PageSaved saved, TimeSpan took)
    {
        var seconds = Math.Max(took.TotalSeconds, 0.001);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Saved {saved.Path}: {ByteCounts.Format(saved.Bytes)} in {seconds:0.0} s, {ByteCounts.Format((long)(saved.Bytes / seconds))}/s on average");
    }
}
