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
                if (_bar is null)
                    Show(Final(report));
                else
                    Finish(_bar, report);
                _err.Flush();
                _report.TrySetResult(report);
                break;
        }
    }

    /// <summary>The progress display on a terminal: it fits the bar to the console's width.</summary>
    public static Progress CreateProgress(IAnsiConsole console) =>
        console.Progress()
            .AutoClear(false)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn { Width = Math.Clamp(console.Profile.Width - 64, 8, 40) },
                new PercentageColumn());

    /// <summary>Shows one update on the terminal's progress task.</summary>
    public static void Update(ProgressTask bar, LoadProgress p)
    {
        bar.Description = Markup.Escape(Text(p));
        if (p.Sessions is { } sessions)
        {
            bar.MaxValue = Math.Max(1, sessions);
            bar.Value = p.Ended;
        }
        else if (p.Duration is { } duration)
        {
            bar.MaxValue = Math.Max(0.001, duration.TotalSeconds);
            bar.Value = Math.Min(duration.TotalSeconds, p.Elapsed.TotalSeconds);
        }
    }

    /// <summary>The last update, from the report itself: the run's true final count.</summary>
    public static void Finish(ProgressTask bar, LoadReport report)
    {
        Update(bar, Final(report));
        // A run that ran its course fills the bar; one cut short shows where it stopped.
        if (!report.Cut)
            bar.Value = bar.MaxValue;
        bar.StopTask();
    }

    private static LoadProgress Final(LoadReport report) =>
        new(report.Settings.Sessions, report.Started, 0, report.Ok, report.Failed, report.Replies, report.Elapsed, report.Settings.Duration);

    private void Show(LoadProgress p)
    {
        if (_bar is null)
        {
            _err.WriteLine($"load: {Text(p)}");
            _err.Flush();
        }
        else
        {
            Update(_bar, p);
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
