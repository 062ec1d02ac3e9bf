using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace AkkaSockets.Cli.Tests.Support;

/// <summary>
/// <c>dotnet akkasockets.dll ...</c> as a real child process: the CLI project is referenced, so
/// its build output sits next to this test assembly.
/// </summary>
internal sealed partial class CliProcess : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private const int SigInt = 2;
    private const int SigTerm = 15;

    private readonly Process _process;

    private CliProcess(Process process)
    {
        _process = process;
    }

    public OutputLines Stdout { get; } = new();

    public OutputLines Stderr { get; } = new();

    public int Id => _process.Id;

    public static CliProcess Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "akkasockets.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the CLI project's output should be copied next to the tests");

        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_NOLOGO"] = "1";

        var process = new Process { StartInfo = info };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Stdout.Add(e.Data);
        process.ErrorDataReceived += (_, e) => cli.Stderr.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Starts <c>akkasockets server</c> and waits for its two start-up lines; returns the bound port.</summary>
    public static Task<(CliProcess Server, int Port)> StartServerAsync(params string[] args) =>
        StartServerAtAsync("127.0.0.1", args);

    /// <summary>As <see cref="StartServerAsync"/>, expecting <c>Listening on {address}:PORT</c>.</summary>
    public static async Task<(CliProcess Server, int Port)> StartServerAtAsync(string address, params string[] args)
    {
        var server = Start(["server", "--port", "0", .. args]);
        try
        {
            await server.Stdout.WaitForAsync("Waiting for connection...", StartTimeout);
            var lines = server.Stdout.Lines;
            var listening = ListeningLine().Match(lines[0]);
            Assert.True(
                listening.Success && listening.Groups[1].Value == address,
                $"the first line should be 'Listening on {address}:PORT', was '{lines[0]}'");
            Assert.Equal("Waiting for connection...", lines[1]);
            return (server, int.Parse(listening.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Ctrl+C: the same signal a terminal sends.</summary>
    public void Interrupt() => Assert.Equal(0, Kill(_process.Id, SigInt));

    /// <summary>What a service manager sends to stop the process.</summary>
    public void Terminate() => Assert.Equal(0, Kill(_process.Id, SigTerm));

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the process did not exit within {timeout.TotalSeconds} s\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [GeneratedRegex(@"^Listening on (.+):(\d+)$")]
    private static partial Regex ListeningLine();

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    private static string DotnetHost()
    {
        // The test host itself usually runs under dotnet; otherwise the SDK tells child processes where it is.
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
            return current;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
