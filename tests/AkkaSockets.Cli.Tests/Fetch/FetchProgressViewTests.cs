using System.Text.RegularExpressions;
using AkkaSockets.Actors.Http;
using AkkaSockets.Cli.Rendering;
using AkkaSockets.Protocol.Http;
using Spectre.Console.Testing;

namespace AkkaSockets.Cli.Tests.Fetch;

public sealed partial class FetchProgressViewTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task Without_a_content_length_the_line_shows_the_bytes_so_far_and_a_rate_and_no_percentage()
    {
        var console = new TestConsole().Width(80).Interactive().EmitAnsiSequences();

        var view = FetchProgressView.Start(console, "page.html", expectedBytes: null);
        view.Report(3 * MiB);
        await view.CloseAsync(complete: true).WaitAsync(TimeSpan.FromSeconds(30));

        var lines = VisibleLines(console.Output);
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: '{l}'"));
        var last = lines.Last(l => l.Contains("page.html", StringComparison.Ordinal));
        Assert.Contains("page.html 3.0 MiB", last, StringComparison.Ordinal);
        Assert.Contains("/s", last, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains('%', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public async Task With_a_content_length_a_finished_fetch_ends_at_100_percent_within_the_width(int width)
    {
        var console = new TestConsole().Width(width).Interactive().EmitAnsiSequences();

        var view = FetchProgressView.Start(console, "big.bin", expectedBytes: 10 * MiB);
        view.Report(4 * MiB);
        await view.CloseAsync(complete: true).WaitAsync(TimeSpan.FromSeconds(30));

        var lines = VisibleLines(console.Output);
        Assert.All(lines, l => Assert.True(l.Length <= width, $"{l.Length} columns: '{l}'"));
        var last = lines.Last(l => l.Contains("big.bin", StringComparison.Ordinal));
        Assert.Contains("100%", last, StringComparison.Ordinal);
        Assert.Contains("10.0 MiB", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_fetch_with_a_content_length_stops_where_it_was_not_at_100_percent()
    {
        var console = new TestConsole().Width(80).Interactive().EmitAnsiSequences();

        var view = FetchProgressView.Start(console, "big.bin", expectedBytes: 10 * MiB);
        view.Report(4 * MiB);
        await view.CloseAsync(complete: false).WaitAsync(TimeSpan.FromSeconds(30));

        var last = VisibleLines(console.Output).Last(l => l.Contains("big.bin", StringComparison.Ordinal));
        Assert.Contains("40%", last, StringComparison.Ordinal);
        Assert.DoesNotContain("100%", last, StringComparison.Ordinal);
    }

    [Fact]
    public void The_closing_line_gives_the_size_the_time_and_the_average_rate()
    {
        var saved = new PageSaved(HttpUrl.Parse("http://127.0.0.1/big.bin"), "big.bin", 10 * MiB, 200);

        Assert.Equal("Saved big.bin: 10.0 MiB in 4.0 s, 2.5 MiB/s on average", FetchConsoleActor.Summary(saved, TimeSpan.FromSeconds(4)));
    }

    [Fact]
    public void A_fetch_over_in_no_measurable_time_still_gets_a_finite_average_rate()
    {
        var saved = new PageSaved(HttpUrl.Parse("http://127.0.0.1/small.bin"), "small.bin", 2048, 200);

        Assert.Equal("Saved small.bin: 2.0 KiB in 0.0 s, 2.0 MiB/s on average", FetchConsoleActor.Summary(saved, TimeSpan.Zero));
    }

    // What each write spans on the terminal: split at line feeds and carriage returns, ANSI sequences dropped.
    private static List<string> VisibleLines(string output) =>
        output.Split('\n', '\r').Select(l => Ansi().Replace(l, string.Empty)).Where(l => l.Trim().Length > 0).ToList();

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex Ansi();
}
