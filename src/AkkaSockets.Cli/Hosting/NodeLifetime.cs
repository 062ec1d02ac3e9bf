using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace AkkaSockets.Cli.Hosting;

/// <summary>
/// Ctrl+C / SIGTERM: the first one stops the host (Akka's CoordinatedShutdown drains the
/// node); a second one ends the process at once.
/// </summary>
internal sealed class NodeLifetime : IHostLifetime, IDisposable
{
    private readonly IHostApplicationLifetime _application;
    private readonly IEnumerable<DrainNotice> _notices;
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;

    public NodeLifetime(IHostApplicationLifetime application, IEnumerable<DrainNotice> notices)
    {
        _application = application;
        _notices = notices;
    }

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _registrations.Clear();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) == 1)
        {
            // Stop first, so nothing new is accepted while the notice asks for its figures.
            _application.StopApplication();
            foreach (var notice in _notices)
            {
                if (notice.Describe() is { } text)
                    Console.Error.WriteLine(text);
            }

            return;
        }

        Console.Error.WriteLine("Interrupted again: exiting without draining.");
        Environment.Exit(Commands.ExitCodes.Interrupted);
    }
}
