using System.Diagnostics;
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

/// <summary>Runs <c>akkasockets</c> (the built akkasockets.dll next to the tests) and other programs as real processes.</summary>
internal sealed partial class CliProcess
{
    private static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(60);

    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host
        ? host
        : "dotnet";

    public static string Akkasockets => Path.Combine(AppContext.BaseDirectory, "akkasockets.dll");

    public static Task<CliResult> RunAsync(params string[] args) =>
        RunProgramAsync(Dotnet, [Akkasockets, .. args], DefaultLimit);

    public static async Task<CliResult> RunProgramAsync(string program, IEnumerable<string> args, TimeSpan limit)
    {
        using var process = new Process { StartInfo = StartInfo(program, args) };
        process.Start();
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {limit}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["PYTHONIOENCODING"] = "utf-8";
        return info;
    }

    /// <summary>The full path of python3 on PATH, or null.</summary>
    public static string? FindPython3()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "python3"))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>
/// A long-running process (a server) that announces its port on stdout; stopped on dispose.
/// </summary>
internal sealed partial class RunningProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private RunningProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Stderr
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    /// <summary>Starts the program and waits for its <c>Listening on IP:PORT</c> line.</summary>
    public static async Task<RunningProcess> StartAsync(string program, IEnumerable<string> args)
    {
        var process = new Process { StartInfo = CliProcess.StartInfo(program, args) };
        process.Start();
        using var timeout = new CancellationTokenSource(StartLimit);
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException(
                        $"{program} ended before listening: {await process.StandardError.ReadToEndAsync(timeout.Token)}");
                var match = ListeningLine().Match(line);
                if (!match.Success)
                    continue;

                var running = new RunningProcess(process, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                running.Pump();
                return running;
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    // Keep reading both pipes so the process never blocks on a full one.
    private void Pump()
    {
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
                _stderr.AppendLine(e.Data);
        };
        _process.BeginErrorReadLine();
        _ = _process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
    }

    [GeneratedRegex(@"^Listening on .*:(\d+)\s*$")]
    private static partial Regex ListeningLine();
}

/// <summary>One <c>akkasockets server</c> process (20 ms reply delay, port 0) shared by a test class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private RunningProcess? _server;

    public const int DelayMs = 20;

    public int Port => _server?.Port ?? throw new InvalidOperationException("the server is not running");

    public async Task InitializeAsync() =>
        _server = await RunningProcess.StartAsync(
            CliProcess.Dotnet,
            [CliProcess.Akkasockets, "server", "--port", "0", "--delay", $"{DelayMs}ms", "--quiet"]);

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
