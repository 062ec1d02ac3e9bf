using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Akka.Actor;
using AkkaSockets.Actors.Diagnostics;
using AkkaSockets.Actors.Server;
using AkkaSockets.Actors.Tests.Server;
using AkkaSockets.Actors.Transport;
using AkkaSockets.Protocol.Framing;
using Xunit.Abstractions;

namespace AkkaSockets.Actors.Tests.Diagnostics;

/// <summary>
/// The server's meter seen through a <see cref="MeterListener"/> over a small loopback run.
/// The meter is the process's, so these run alone: no other spec's connections are counted.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class ServerMetricsSpecs(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = WARNING", output)
{
    private static readonly string[] Instruments =
    [
        "akkasockets.server.active_connections",
        "akkasockets.server.connection.duration",
        "akkasockets.server.accepted_connections",
        "akkasockets.server.rejected_connections",
        "akkasockets.server.replies",
        "akkasockets.server.queued_messages",
    ];

    [Fact]
    public async Task Every_server_instrument_moves_when_a_client_is_answered_and_another_turned_away()
    {
        var seen = new ConcurrentQueue<(string Name, double Value, string? Reason)>();
        using var listener = Listen((name, value, reason) => seen.Enqueue((name, value, reason)));
        var endPoint = await StartServerAsync(maxConnections: 1);

        using (var client = await LoopbackClient.ConnectAsync(endPoint))
        {
            await client.ExpectAsync("Welcome!");
            await client.SendAsync("Michael");
            await client.ExpectAsync("Hello, Michael!");

            using (var turnedAway = await LoopbackClient.ConnectAsync(endPoint))
            {
                await turnedAway.ExpectAsync("Server busy");
                await turnedAway.ExpectClosedAsync();
            }

            await client.SendAsync("exit");
            await client.ExpectClosedAsync();
        }

        // The connection actor records its end as it stops, just after the socket's FIN.
        await AwaitAssertAsync(
            () => Assert.Contains(seen, m => m.Name == "akkasockets.server.connection.duration"),
            TimeSpan.FromSeconds(10));
        var byName = seen.ToLookup(m => m.Name);
        Assert.All(Instruments, name => Assert.True(byName[name].Any(), $"{name} never moved"));
        Assert.Equal(1, Sum(byName, "akkasockets.server.accepted_connections"));
        Assert.Equal(1, Sum(byName, "akkasockets.server.rejected_connections"));
        Assert.Equal(1, Sum(byName, "akkasockets.server.replies"));
        Assert.Equal([1, -1], byName["akkasockets.server.active_connections"].Select(m => m.Value));
        // "Michael" waited out the reply delay, then "exit" did: each in, then out.
        Assert.Equal([1, -1, 1, -1], byName["akkasockets.server.queued_messages"].Select(m => m.Value));
        var duration = Assert.Single(byName["akkasockets.server.connection.duration"]);
        Assert.Equal("exit", duration.Reason);
        Assert.InRange(duration.Value, 0.05, 60);
    }

    [Fact]
    public void Recording_allocates_nothing_while_a_listener_is_attached()
    {
        double total = 0;
        using var listener = Listen((_, value, _) => total += value);
        Record(100); // first use of each instrument and tag value

        var before = GC.GetAllocatedBytesForCurrentThread();
        Record(10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, total);
    }

    private static void Record(int connections)
    {
        for (var i = 0; i < connections; i++)
        {
            var openedAt = ServerMetrics.ConnectionOpened();
            ServerMetrics.MessagesQueued(1);
            ServerMetrics.MessagesDequeued(1);
            ServerMetrics.ReplySent();
            ServerMetrics.ConnectionRejected();
            ServerMetrics.ConnectionClosed(openedAt, CloseReason.PeerClosed, unanswered: 0);
        }
    }

    private static double Sum(ILookup<string, (string Name, double Value, string? Reason)> byName, string name) =>
        byName[name].Sum(m => m.Value);

    private static MeterListener Listen(Action<string, double, string?> onMeasurement)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ServerMetrics.MeterName)
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => onMeasurement(instrument.Name, value, Reason(tags)));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => onMeasurement(instrument.Name, value, Reason(tags)));
        listener.Start();
        return listener;
    }

    private static string? Reason(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "reason")
                return tag.Value as string;
        }

        return null;
    }

    private async Task<IPEndPoint> StartServerAsync(int maxConnections)
    {
        var settings = ServerSettings.Default with
        {
            Transport = TransportKind.Direct,
            ReplyDelay = TimeSpan.FromMilliseconds(50),
            Framing = FramingMode.Chunk,
            MaxConnections = maxConnections,
            IdleTimeout = null,
        };
        var server = Sys.ActorOf(GreetingServerActor.Props(settings, new IPEndPoint(IPAddress.Loopback, 0)));
        var bound = Assert.IsType<ServerBound>(await server.Ask<object>(AwaitBound.Instance, TimeSpan.FromSeconds(10)));
        return Assert.IsType<IPEndPoint>(bound.LocalAddress);
    }
}
