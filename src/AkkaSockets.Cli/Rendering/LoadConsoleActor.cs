using System.Globalization;
using Akka.Actor;
using AkkaSockets.Actors.Client;
using Spectre.Console;

namespace AkkaSockets.Cli.Rendering;

/// <summary>
/// Live progress of a load run on stderr: a Spectre.Console progress task on a terminal (its
/// renderer fits the bar to the terminal's width and redraws in place), a plain line per update
/// otherwise. The last update comes from the <see cref="LoadReport"/> itself, so the bar ends on
/// the run's true final count. Hands the report to the command.
/// </summary>
public sealed class LoadConsoleActor : UntypedActor
{
    private readonly TextWriter _err;
    private readonly ProgressTask? _bar;
    private readonly TaskCompletionSource<LoadReport> _report;

    /// <param name="bar">The terminal's progress task, or null for plain lines on <paramref name="error"/>.</param>
    public LoadConsoleActor(TextWriter error, ProgressTask? bar, TaskCompletionSource<LoadReport> report)
    {
        _err = error;
        _bar = bar;
        _report = report;
    }

    public static Props Props(TextWriter error, ProgressTask? bar, TaskCompletionSource<LoadReport> report) =>
        Akka.Actor.Props.Create(() => new LoadConsoleActor(error, bar, report));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case LoadProgress progress:
                Show(progress);
                break;
            case LoadReport report:
                var final = new LoadProgress(
                    report.Settings.Sessions, report.Started, 0, report.Ok, report.Failed, report.Replies, report.Elapsed, report.Settings.Duration);
                Show(final);
                if (_bar is not null)
                {
                    // A run that ran its course fills the bar; one cut short shows where it stopped.
                    if (!report.Cut)
                        _bar.Value = _bar.MaxValue;
                    _bar.StopTask();
                }

                _err.Flush();
                _report.TrySetResult(report);
                break;
        }
    }

    private void Show(LoadProgress p)
    {
        if (_bar is null)
        {
            _err.WriteLine($"load: {Text(p)}");
            _err.Flush();
            return;
        }

        _bar.Description = Markup.Escape(Text(p));
        if (p.Sessions is { } sessions)
        {
            _bar.MaxValue = Math.Max(1, sessions);
            _bar.Value = p.Ended;
        }
        else if (p.Duration is { } duration)
        {
            _bar.MaxValue = Math.Max(0.001, duration.TotalSeconds);
            _bar.Value = Math.Min(duration.TotalSeconds, p.Elapsed.TotalSeconds);
        }
    }

    /// <summary>Short enough to leave the bar room on an 80-column terminal.</summary>
    public static string Text(LoadProgress p)
    {
        var c = CultureInfo.InvariantCulture;
        var done = p.Sessions is { } sessions
            ? string.Create(c, $"{p.Ended}/{sessions}")
            : string.Create(c, $"{p.Ended} done");
        return string.Create(c, $"{done} ok {p.Ok} failed {p.Failed} open {p.Open} replies {p.Replies} {p.Elapsed.TotalSeconds:0.0}s");
    }
}
