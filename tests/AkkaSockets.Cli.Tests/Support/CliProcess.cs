using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace AkkaSockets.Cli.Tests.Support;

/// <summary>What a finished process printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Lines(Stdout);

    public string[] StderrLines => Lines(Stderr);

    private static string[] Lines(string text) =>
        text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>
/// The one way the CLI specs run a program: <c>akkasockets</c> (the CLI project's build output
/// sits next to this test assembly) under the same dotnet host that runs the tests, or any other
/// program (the tutorial's Python). Either run to the end (<see cref="RunAsync(string[])"/>), or
/// started and driven while it runs (<see cref="Start(string[])"/>: its lines, signals, exit).
/// </summary>
internal sealed partial class CliProcess : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);

    private const int SigInt = 2;
    private const int SigTerm = 15;

    private readonly Process _process;

    private CliProcess(Process process) => _process = process;

    public OutputLines Stdout { get; } = new();

    public OutputLines Stderr { get; } = new();

    public int Id => _process.Id;

    /// <summary>The dotnet host running these tests, so a child never picks another SDK from PATH.</summary>
    public static string Dotnet { get; } = FindDotnetHost();

    public static string Akkasockets => Path.Combine(AppContext.BaseDirectory, "akkasockets.dll");

    /// <summary>Runs <c>akkasockets ARGS</c> to the end in the test's directory.</summary>
    public static Task<CliResult> RunAsync(params string[] args) =>
        RunProgramAsync(Dotnet, [Akkasockets, .. args]);

    /// <summary>Runs <c>akkasockets ARGS</c> to the end in <paramref name="workingDirectory"/>.</summary>
    public static Task<CliResult> RunInAsync(string workingDirectory, params string[] args) =>
        RunProgramAsync(Dotnet, [Akkasockets, .. args], workingDirectory);

    /// <summary>
    /// Runs a program to the end with stdin closed and both outputs kept whole (byte for byte, so
    /// line ends are checked too); <paramref name="whileRunning"/> gets the live process (to
    /// signal it). Killed, and the test failed, if it outlives its bound.
    /// </summary>
    public static async Task<CliResult> RunProgramAsync(
        string program, IEnumerable<string> args, string? workingDirectory = null, Func<CliProcess, Task>? whileRunning = null)
    {
        var info = StartInfo(program, args, workingDirectory);
        using var process = new Process { StartInfo = info };
        process.Start();
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RunLimit);
        try
        {
            if (whileRunning is not null)
                await whileRunning(new CliProcess(process)).WaitAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', info.ArgumentList)} did not finish within {RunLimit.TotalSeconds} s");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts <c>akkasockets ARGS</c> and keeps it running, its lines collected as they come.</summary>
    public static CliProcess Start(params string[] args) => StartProgram(Dotnet, [Akkasockets, .. args]);

    public static CliProcess StartProgram(string program, IEnumerable<string> args)
    {
        Assert.True(File.Exists(Akkasockets), $"{Akkasockets} is missing: the CLI project's output should be copied next to the tests");
        var process = new Process { StartInfo = StartInfo(program, args, AppContext.BaseDirectory) };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => cli.Stdout.Add(e.Data);
        process.ErrorDataReceived += (_, e) => cli.Stderr.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Starts <c>akkasockets server</c> on port 0 and waits for its two start-up lines; returns the bound port.</summary>
    public static Task<(CliProcess Server, int Port)> StartServerAsync(params string[] args) =>
        StartServerAtAsync("127.0.0.1", args);

    /// <summary>As <see cref="StartServerAsync"/>, expecting <c>Listening on {address}:PORT</c>.</summary>
    public static Task<(CliProcess Server, int Port)> StartServerAtAsync(string address, params string[] args) =>
        StartListeningAsync(address, Dotnet, [Akkasockets, "server", "--port", "0", .. args]);

    /// <summary>
    /// Starts a server program (ours or the tutorial's) and waits for its two start-up lines,
    /// <c>Listening on {address}:PORT</c> and <c>Waiting for connection...</c>; returns the port.
    /// </summary>
    public static async Task<(CliProcess Server, int Port)> StartListeningAsync(string address, string program, IEnumerable<string> args)
    {
        var server = StartProgram(program, args);
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
        catch (Exception e)
        {
            // What the child said on stderr, and how it ended, is usually why it never listened.
            var end = await server.DescribeEndAsync(TimeSpan.FromSeconds(5));
            server.Dispose();
            throw new Xunit.Sdk.XunitException(
                $"{program} {string.Join(' ', args)} did not start listening: {e.Message}\n{end}");
        }
    }

    /// <summary>How the process ended (waiting up to <paramref name="grace"/> for it), and all it wrote to stderr.</summary>
    private async Task<string> DescribeEndAsync(TimeSpan grace)
    {
        using var cts = new CancellationTokenSource(grace);
        try
        {
            // Also waits for the end of both output streams, so stderr is complete.
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return $"still running after {grace.TotalSeconds} s; stderr so far:\n{Stderr}";
        }

        return $"exit code {_process.ExitCode}; stderr:\n{Stderr}";
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

    /// <summary>The full path of a program on PATH, or null.</summary>
    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>python3 runs the tutorial's own programs; without it those promises are unchecked, so the test fails.</summary>
    public static string RequirePython3() =>
        FindOnPath("python3") ?? throw new InvalidOperationException(
            "python3 is required for the tutorial interop tests (install it, e.g. apt-get install python3)");

    private static ProcessStartInfo StartInfo(string program, IEnumerable<string> args, string? workingDirectory)
    {
        // A test run started in the background of a non-interactive shell has SIGINT ignored, and
        // every child inherits that (dotnet keeps it so): the Ctrl+C specs would test nothing.
        // env --default-signal (coreutils) gives the child the default disposition back.
        if (SigIntResetter.Value is { } env)
        {
            args = ["--default-signal=INT", program, .. args];
            program = env;
        }

        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["PYTHONIOENCODING"] = "utf-8";
        return info;
    }

    private static readonly Lazy<string?> SigIntResetter = new(FindSigIntResetter);

    /// <summary>/usr/bin/env when it can reset SIGINT to its default for the program it runs, else null.</summary>
    private static string? FindSigIntResetter()
    {
        var env = FindOnPath("env");
        if (env is null)
            return null;
        var probe = new ProcessStartInfo(env) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "--default-signal=INT", "true" })
            probe.ArgumentList.Add(arg);
        using var process = Process.Start(probe);
        if (process is null)
            return null;
        process.WaitForExit();
        return process.ExitCode == 0 ? env : null;
    }

    private static string FindDotnetHost()
    {
        // The test host itself runs under dotnet; otherwise the SDK tells child processes where it is.
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
            return current;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host
            ? host
            : throw new InvalidOperationException("cannot tell which dotnet host runs the tests (DOTNET_HOST_PATH is not set)");
    }

    [GeneratedRegex(@"^Listening on (.+):(\d+)\s*$")]
    private static partial Regex ListeningLine();

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}

/// <summary>One <c>akkasockets server</c> process (20 ms reply delay, port 0) shared by a test class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const int DelayMs = 20;

    private CliProcess? _server;

    public int Port { get; private set; }

    public async Task InitializeAsync() =>
        (_server, Port) = await CliProcess.StartServerAsync("--delay", $"{DelayMs}ms", "--quiet");

    public Task DisposeAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }
}
