using System.Diagnostics;

namespace AkkaSockets.Cli.Tests.Operations;

/// <summary>
/// One process run to its end (<c>akkasockets</c> with chosen environment variables, as the
/// logging specs need <c>Logging__…</c>; or a dotnet command): stdout and stderr whole, and the exit code.
/// </summary>
internal static class CliRun
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    public static Task<(int ExitCode, string[] Stdout, string[] Stderr)> RunAsync(
        IReadOnlyDictionary<string, string> environment, params string[] args) =>
        ExecAsync(DotnetHost(), environment, [Path.Combine(AppContext.BaseDirectory, "akkasockets.dll"), .. args]);

    public static async Task<(int ExitCode, string[] Stdout, string[] Stderr)> ExecAsync(
        string fileName, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment)
            info.Environment[name] = value;

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{fileName} {string.Join(' ', args)} did not exit within {Deadline.TotalMinutes} minutes");
        }

        return (process.ExitCode, Lines(await stdout), Lines(await stderr));
    }

    public static string DotnetHost() =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet"
            ? host
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
