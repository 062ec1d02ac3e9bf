using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using AkkaSockets.Actors.Client;

namespace AkkaSockets.Actors.Tests.Client;

/// <summary>Replies recorded as they arrive, think time, and the duration as run time.</summary>
public sealed class LoadRecordingSpecs : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static LoadSettings Load(int connections, int? sessions) => new()
    {
        Connections = connections,
        Sessions = sessions,
        Ramp = null,
        MaxDuration = TimeSpan.FromSeconds(30),
        ExpectDelay = TimeSpan.FromMilliseconds(20),
        ProgressInterval = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public async Task A_run_stopped_midway_reports_every_reply_that_had_arrived_and_says_it_was_interrupted()
    {
        // Each session gets its welcome and its first reply, then waits forever for the second.
        await using var stub = StubServer.Start(async c =>
        {
            await c.SendAsync("Welcome!");
            await c.ReceiveAsync("Michael");
            await c.SendAsync("Hello, Michael!");
            await c.DrainUntilClosedAsync();
        }, connections: 3);
        var probe = CreateTestProbe();
        var generator = Sys.ActorOf(LoadGeneratorActor.Props(ClientTestKit.Session(stub.Port, reportEachStep: false), Load(3, 3), probe));

        probe.FishForMessage<LoadProgress>(p => p.Replies == 3, Wait);
        var report = await generator.Ask<LoadReport>(StopLoad.Instance, Wait);

        Assert.Equal(LoadEnd.Interrupted, report.EndedBy);
        Assert.True(report.Interrupted);
        Assert.Equal(3, report.Reply!.Count);
        Assert.Equal(3, report.Failures["cancelled"]);
        Assert.Equal(0, report.Ok);
        // The over-time samples end with the run and hold the same replies.
        Assert.Equal(3, report.Timeline.Sum(s => s.Replies));
    }

    [Fact]
    public void With_a_duration_sessions_keep_starting_until_it_passes_and_the_running_ones_then_finish()
    {
        var port = ClientTestKit.StartServer(Sys, TimeSpan.FromMilliseconds(10));
        var probe = CreateTestProbe();

        Sys.ActorOf(LoadGeneratorActor.Props(
            ClientTestKit.Session(port, reportEachStep: false),
            Load(2, sessions: null) with { Duration = TimeSpan.FromMilliseconds(400) },
            probe));

        var report = probe.FishForMessage<LoadReport>(_ => true, Wait);
        Assert.Equal(LoadEnd.Duration, report.EndedBy);
        Assert.Equal(0, report.Failed);
        // More sessions than connections: finished ones were replaced while the duration ran.
        Assert.True(report.Ok > 2, $"only {report.Ok} sessions ran in 400 ms");
        Assert.Equal(report.Started, report.Ok);
        Assert.Equal(0, report.NotStarted);
        Assert.Equal(report.Ok * 3, report.Reply!.Count);
        Assert.True(report.Elapsed >= TimeSpan.FromMilliseconds(400));
    }

    [Fact]
    public void Think_time_pauses_between_each_reply_and_the_next_name()
    {
        var port = ClientTestKit.StartServer(Sys, TimeSpan.FromMilliseconds(10));
        var probe = CreateTestProbe();

        Sys.ActorOf(LoadGeneratorActor.Props(
            ClientTestKit.Session(port, reportEachStep: false),
            Load(1, 1) with { Think = TimeSpan.FromMilliseconds(300) },
            probe));

        var report = probe.FishForMessage<LoadReport>(_ => true, Wait);
        Assert.Equal(1, report.Ok);
        // Three names: two pauses, and the pause is not part of any reply's latency.
        Assert.True(report.Elapsed >= TimeSpan.FromMilliseconds(600), $"the session took only {report.Elapsed}");
        Assert.True(report.Reply!.Max < 300, $"a pause was counted as latency: max {report.Reply.Max} ms");
    }

    [Fact]
    public void The_load_meter_counts_sessions_by_outcome_and_replies_and_records_reply_latency_in_seconds()
    {
        var port = ClientTestKit.StartServer(Sys, TimeSpan.FromMilliseconds(10));
        using var metrics = new LoadMetrics();
        var seen = new Dictionary<string, double>();
        var outcomes = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter)
                l.EnableMeasurementEvents(instrument);
        };
        void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (seen)
            {
                seen[instrument.Name] = seen.GetValueOrDefault(instrument.Name) + value;
                foreach (var tag in tags)
                    outcomes.Add($"{tag.Key}={tag.Value}");
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
        listener.Start();
        var probe = CreateTestProbe();

        Sys.ActorOf(LoadGeneratorActor.Props(ClientTestKit.Session(port, reportEachStep: false), Load(4, 4), probe, metrics));

        var report = probe.FishForMessage<LoadReport>(_ => true, Wait);
        lock (seen)
        {
            Assert.Equal(4, seen["akkasockets.load.sessions"]);
            Assert.Equal(12, seen["akkasockets.load.replies"]);
            // Twelve replies of at least ~10 ms each, in seconds.
            Assert.InRange(seen["akkasockets.load.reply.duration"], 12 * 0.005, report.Reply!.Mean * 12 / 1000 + 0.001);
            Assert.Equal(0, seen["akkasockets.load.open_connections"]);
            Assert.Equal(4, outcomes.Count(o => o == "outcome=ok"));
        }
    }
}
