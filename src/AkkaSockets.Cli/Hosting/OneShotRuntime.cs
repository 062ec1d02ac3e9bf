using System.CommandLine;
using System.Runtime.CompilerServices;
using AkkaSockets.Cli.Commands;

namespace AkkaSockets.Cli.Hosting;

/// <summary>
/// The fetch command is a one-shot node: it starts an actor system, moves one response and ends.
/// It runs with dynamic code turned off (<see cref="RuntimeFeature.IsDynamicCodeSupported"/>), so
/// what would otherwise be compiled to IL at start is interpreted instead: above all the regular
/// expression HOCON reads every duration with (a static one with <c>RegexOptions.Compiled</c>,
/// compiled through Reflection.Emit on the first duration Akka reads). A small fetch ends
/// ~0.05 s sooner and peaks ~8 MiB lower (docs/performance.md, Fetch, Start-up). The long-running
/// commands (server, client, load) keep dynamic code: with it off a burst's reply p99 and CPU
/// leaned worse (docs/performance.md, Tried and dropped).
/// </summary>
internal static class OneShotRuntime
{
    private const string DynamicCodeSwitch = "System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported";

    /// <summary>Whether the parsed command line runs a one-shot command (<c>fetch</c>).</summary>
    public static bool IsOneShot(Command command) =>
        string.Equals(command.Name, FetchCommand.Name, StringComparison.Ordinal);

    /// <summary>
    /// Turns dynamic code off for a one-shot command, unless the switch is set already (in
    /// <c>akkasockets.runtimeconfig.json</c>: an explicit setting wins, which is how the benchmark
    /// measures the difference). Must run before the command's action (parsing the command line
    /// uses no dynamic code): the runtime reads the switch once, the first time anything asks.
    /// </summary>
    public static void Apply(Command command)
    {
        if (IsOneShot(command) && !AppContext.TryGetSwitch(DynamicCodeSwitch, out _))
            AppContext.SetSwitch(DynamicCodeSwitch, isEnabled: false);
    }
}
