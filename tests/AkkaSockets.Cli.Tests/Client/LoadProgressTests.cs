using System.Collections.Immutable;
using AkkaSockets.Actors.Client;
using AkkaSockets.Cli.Rendering;
using HdrHistogram;
using Spectre.Console.Testing;

namespace AkkaSockets.Cli.Tests.Client;

public sealed class LoadProgressTests
{
    private static readonly LoadSettings Settings = new()
    {
        Connections = 10_000,
        Sessions = 20_000,
        Ramp = null,
        ExpectDelay = TimeSpan.FromSeconds(1),
        ProgressInterval = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public void On_an_80_column_terminal_every_progress_line_fits_and_the_bar_ends_on_the_final_count()
    {
        var console = new TestConsole().Width(80).Interactive().EmitAnsiSequences();
        var report = new LoadReport(
            Settings, 20_000, 19_990, 10, ImmutableSortedDictionary<string, long>.Empty.Add("refused", 10), null,
            TimeSpan.FromSeconds(12.3), 10_000, LoadEnd.Completed, new LongHistogram(1000, 3), []);

        LoadConsoleActor.CreateProgress(console).Start(context =>
        {
            var bar = context.AddTask("starting", maxValue: 20_000);
            LoadConsoleActor.Update(bar, new LoadProgress(20_000, 20_000, 9_999, 19_980, 7, 59_950, TimeSpan.FromSeconds(12.1), null));
            context.Refresh();
            LoadConsoleActor.Finish(bar, report);
            context.Refresh();
        });

        // What each write spans on the terminal, between line feeds and carriage returns.
        var lines = console.Output.Split('\n', '\r');
        Assert.All(lines, l => Assert.True(Visible(l).Length <= 80, $"{Visible(l).Length} columns: '{Visible(l)}'"));
        var last = lines.Last(l => Visible(l).Contains("/20000", StringComparison.Ordinal));
        Assert.Contains("20000/20000 ok 19990 failed 10", Visible(last), StringComparison.Ordinal);
        Assert.Contains("100%", Visible(last), StringComparison.Ordinal);
    }

    [Fact]
    public void The_plain_progress_line_names_ended_sessions_replies_and_elapsed_time()
    {
        var text = LoadConsoleActor.Text(new LoadProgress(null, 12, 3, 8, 1, 27, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(10)));

        Assert.Equal("9 done ok 8 failed 1 open 3 replies 27 2.5s", text);
    }

    // Drops ANSI escape sequences (colours, cursor moves) to measure what the terminal shows.
    private static string Visible(string line) =>
        System.Text.RegularExpressions.Regex.Replace(line, @"\x1b\[[0-9;?]*[A-Za-z]", string.Empty);
}
