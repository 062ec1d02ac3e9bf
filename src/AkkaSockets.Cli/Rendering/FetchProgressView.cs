using Spectre.Console;

namespace AkkaSockets.Cli.Rendering;

/// <summary>
/// A body's progress on stderr with Spectre.Console's live progress display: it fits the
/// terminal's width; with a Content-Length it shows percent, bytes, rate and time left, without
/// one bytes and rate. The display runs on its own task; the owner only posts byte counts
/// (thread-safe) and closes it, and only the display's task touches the Spectre objects.
/// </summary>
public sealed class FetchProgressView
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly TaskCompletionSource<bool> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytes;

    private FetchProgressView()
    {
    }

    public Task Run { get; private set; } = Task.CompletedTask;

    public static FetchProgressView Start(IAnsiConsole console, string name, long? expectedBytes)
    {
        var view = new FetchProgressView();
        ProgressColumn[] columns = expectedBytes is > 0
            ? [new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn()]
            : [new TaskDescriptionColumn(), new SpinnerColumn(), new TransferSpeedColumn(), new ElapsedTimeColumn()];
        view.Run = console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(columns)
            .StartAsync(context => view.Show(context, name, expectedBytes));
        return view;
    }

    /// <summary>Bytes saved so far; called from any thread.</summary>
    public void Report(long bytes) => Interlocked.Exchange(ref _bytes, bytes);

    /// <summary>Ends the display (at 100% when <paramref name="complete"/>); the task ends after its last render.</summary>
    public Task CloseAsync(bool complete)
    {
        _closed.TrySetResult(complete);
        return Run;
    }

    private async Task Show(ProgressContext context, string name, long? expectedBytes)
    {
        var known = expectedBytes is > 0;
        var task = context.AddTask(Markup.Escape(name), autoStart: true, maxValue: known ? expectedBytes!.Value : long.MaxValue);
        task.IsIndeterminate = !known;
        void Update()
        {
            var bytes = Interlocked.Read(ref _bytes);
            task.Value = bytes;
            // Without a Content-Length there is no bar: the byte count goes with the name.
            if (!known)
                task.Description = $"{Markup.Escape(name)} {ByteCounts.Format(bytes)}";
        }

        while (!_closed.Task.IsCompleted)
        {
            Update();
            await Task.WhenAny(_closed.Task, Task.Delay(Tick)).ConfigureAwait(false);
        }

        Update();
        if (await _closed.Task.ConfigureAwait(false))
        {
            if (!task.IsIndeterminate)
                task.Value = task.MaxValue;
            task.StopTask();
        }

        context.Refresh();
    }
}
