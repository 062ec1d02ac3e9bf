using System.Globalization;
using Akka.Actor;
using AkkaSockets.Actors.Client;

namespace AkkaSockets.Cli.Rendering;

/// <summary>
/// Live progress of a load run on stderr: a bar redrawn in place on a terminal, a plain line
/// per update otherwise. Hands the final <see cref="LoadReport"/> to the command.
/// </summary>
public sealed class LoadConsoleActor : UntypedActor
{
    private const int BarWidth = 30;

    private readonly TextWriter _err;
    private readonly bool _terminal;
    private readonly TaskCompletionSource<LoadReport> _report;
    private bool _drawn;

    public LoadConsoleActor(TextWriter error, bool terminal, TaskCompletionSource<LoadReport> report)
    {
        _err = error;
        _terminal = terminal;
        _report = report;
    }

    public static Props Props(TextWriter error, bool terminal, TaskCompletionSource<LoadReport> report) =>
        Akka.Actor.Props.Create(() => new LoadConsoleActor(error, terminal, report));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case LoadProgress progress:
                Draw(progress);
                break;
            case LoadReport report:
                if (_drawn && _terminal)
                    _err.WriteLine();
                _err.Flush();
                _report.TrySetResult(report);
                break;
        }
    }

    private void Draw(LoadProgress p)
    {
        var done = p.Ok + p.Failed;
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{done}/{p.Sessions} done ({p.Ok} ok, {p.Failed} failed), {p.Open} open, {p.Started} started, {p.Elapsed.TotalSeconds:0.0}s");
        if (_terminal)
        {
            var filled = p.Sessions == 0 ? BarWidth : (int)(BarWidth * done / p.Sessions);
            _err.Write($"\r[{new string('#', filled)}{new string('-', BarWidth - filled)}] {text}\u001b[K");
        }
        else
        {
            _err.WriteLine($"load: {text}");
        }

        _err.Flush();
        _drawn = true;
    }
}
