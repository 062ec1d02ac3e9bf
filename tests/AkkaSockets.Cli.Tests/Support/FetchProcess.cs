using System.Diagnostics;

namespace AkkaSockets.Cli.Tests.Support;

internal sealed record FetchRun(int ExitCode, string StdOut, string StdErr)
{
    public string[] ErrorLines => StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Runs the real <c>akkasockets fetch</c> executable in a scratch directory.</summary>
internal static class FetchProcess
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static Task<FetchRun> RunAsync(string workingDirectory, params string[] args) =>
        RunAsync(workingDirectory, args, whileRunning: null);

    /// <summary>Runs the fetch; <paramref name="whileRunning"/> gets the live process (to signal it).</summary>
    public static async Task<FetchRun> RunAsync(string workingDirectory, string[] args, Func<Process, Task>? whileRunning)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "akkasockets.dll"));
        start.ArgumentList.Add("fetch");
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start akkasockets");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            if (whileRunning is not null)
                await whileRunning(process).WaitAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"akkasockets fetch {string.Join(' ', args)} did not finish in {Bound}");
        }

        return new FetchRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Sends SIGINT, as Ctrl+C does.</summary>
    public static async Task InterruptAsync(Process process)
    {
        using var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }
}
