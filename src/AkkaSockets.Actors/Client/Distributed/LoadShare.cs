using AkkaSockets.Actors.Transport;
using AkkaSockets.Protocol.Framing;

namespace AkkaSockets.Actors.Client.Distributed;

/// <summary>
/// One worker's part of a distributed load run: everything its sessions need, as plain values that
/// cross the network (the worker resolves <see cref="Host"/> itself). The whole run is a share too,
/// the one <see cref="Split"/> divides.
/// </summary>
public sealed record LoadShare(
    string Host,
    int Port,
    IReadOnlyList<string> Names,
    FramingMode Framing,
    TransportKind Transport,
    TimeSpan Timeout,
    TimeSpan ConnectTimeout,
    int Connections,
    int? Sessions,
    int? Ramp,
    TimeSpan? Duration,
    TimeSpan? MaxDuration,
    TimeSpan Think,
    TimeSpan ExpectDelay,
    TimeSpan ProgressInterval)
{
    /// <summary>Workers report their counts this often at the most and at the least.</summary>
    public static readonly TimeSpan FastestProgress = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan SlowestProgress = TimeSpan.FromMilliseconds(500);

    public static LoadShare From(ClientSettings client, LoadSettings load) => new(
        client.Host,
        client.Port,
        [.. client.Names],
        client.Framing,
        client.Transport,
        client.Timeout,
        client.ConnectTimeout,
        load.Connections,
        load.Sessions,
        load.Ramp,
        load.Duration,
        load.MaxDuration,
        load.Think,
        load.ExpectDelay,
        load.ProgressInterval);

    /// <summary>
    /// The whole run divided among <paramref name="workers"/>: sessions, connections and ramp each
    /// split evenly, the remainder one apiece to the first workers (10 over 3 is 4, 3, 3); a ramp
    /// share is at least 1 per second. Duration, cap, think time and the rest are the same for all.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer connections or planned sessions than workers.</exception>
    public IReadOnlyList<LoadShare> Split(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        if (Connections < workers)
            throw new ArgumentException($"{Connections} connections cannot be shared among {workers} workers", nameof(workers));
        if (Sessions < workers)
            throw new ArgumentException($"{Sessions} sessions cannot be shared among {workers} workers", nameof(workers));
        var progress = ProgressInterval < FastestProgress ? FastestProgress
            : ProgressInterval > SlowestProgress ? SlowestProgress
            : ProgressInterval;
        return [.. Enumerable.Range(0, workers).Select(i => this with
        {
            Connections = Part(Connections, workers, i),
            Sessions = Sessions is { } s ? Part(s, workers, i) : null,
            Ramp = Ramp is { } r ? Math.Max(1, Part(r, workers, i)) : null,
            ProgressInterval = progress,
        })];
    }

    /// <summary>Worker <paramref name="index"/>'s part of <paramref name="total"/>.</summary>
    public static int Part(int total, int workers, int index) =>
        (total / workers) + (index < total % workers ? 1 : 0);

    public ClientSession Session() => new(
        ClientSession.RemoteFor(Host, Port),
        new GreetingScript(Names, Framing),
        Timeout,
        ConnectTimeout,
        ReportEachStep: false,
        Transports.For(Transport));

    public LoadSettings Load() => new()
    {
        Connections = Connections,
        Sessions = Sessions,
        Ramp = Ramp,
        Duration = Duration,
        MaxDuration = MaxDuration,
        Think = Think,
        ExpectDelay = ExpectDelay,
        ProgressInterval = ProgressInterval,
    };
}
