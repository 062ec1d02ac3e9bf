using Akka.TestKit.Xunit2;
using AkkaSockets.Actors.Client;

namespace AkkaSockets.Actors.Tests.Client;

public sealed class LoadGeneratorActorSpecs : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static LoadSettings Load(int connections, int sessions, int? ramp = null, TimeSpan? cap = null) => new()
    {
        Connections = connections,
        Sessions = sessions,
        Ramp = ramp,
        MaxDuration = cap ?? TimeSpan.FromSeconds(30),
        ExpectDelay = TimeSpan.FromMilliseconds(20),
        ProgressInterval = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public void Twenty_sessions_against_the_server_all_complete_and_every_reply_is_in_the_histogram()
    {
        var port = ClientTestKit.StartServer(Sys, TimeSpan.FromMilliseconds(20));
        var probe = CreateTestProbe();

        Sys.ActorOf(LoadGeneratorActor.Props(ClientTestKit.Session(port, reportEachStep: false), Load(20, 20), probe));

        var report = probe.FishForMessage<LoadReport>(_ => true, Wait);
        Assert.Equal(LoadEnd.Completed, report.EndedBy);
        Assert.Equal(20, report.Ok);
        Assert.Equal(0, report.Failed);
        Assert.Empty(report.Failures);
        Assert.Equal(60, report.Reply!.Count);
        Assert.Equal(60, report.Histogram.TotalCount);
        // Less one 10 ms scheduler tick, the server timer's resolution.
        Assert.True(report.Reply.P50 >= 10, $"p50 {report.Reply.P50} ms is below the server's 20 ms delay");
        Assert.InRange(report.PeakOpen, 1, 20);
    }

    [Fact]
    public async Task No_more_sessions_than_the_connection_limit_are_open_at_once_as_the_server_counts_them()
    {
        var arrived = 0;
        var firstFour = new Countdown(4);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stub = StubServer.Start(async c =>
        {
            if (Interlocked.Increment(ref arrived) <= 4)
                firstFour.Slot()();
            // Held before the welcome, no session can finish, so none may be replaced either.
            await release.Task.WaitAsync(c.Cancellation);
            await c.SendAsync("Welcome!");
            foreach (var name in ClientTestKit.TutorialNames)
            {
                await c.ReceiveAsync(name);
                await c.SendAsync($"Hello, {name}!");
            }

            await c.ReceiveAsync("exit");
            await c.DrainUntilClosedAsync();
        }, connections: 16);
        var probe = CreateTestProbe();

        Sys.ActorOf(LoadGeneratorActor.Props(ClientTestKit.Session(stub.Port, reportEachStep: false), Load(4, 16), probe));

        await firstFour.Reached.WaitAsync(Wait);
        // Real time for a fifth connection to show up if the limit were broken.
        await Task.Delay(Quiet);
        Assert.Equal(4, Volatile.Read(ref arrived));
        release.SetResult();

        var report = await probe.FishForMessageAsync<LoadReport>(_ => true, Wait);
        Assert.Equal(16, report.Ok);
        Assert.Equal(16, Volatile.Read(ref arrived));
        // The four held sessions were all open at once, and the report says so.
        Assert.Equal(4, report.PeakOpen);
        await stub.Served.WaitAsync(Wait);
    }

    [Fact]
    public async Task The_max_duration_cap_ends_the_run_counting_running_sessions_as_cancelled_and_the_rest_as_not_started()
    {
        await using var stub = StubServer.Start(async c =>
        {
            await c.SendAsync("Welcome!");
            await c.DrainUntilClosedAsync();
        }, connections: 3);
        var probe = CreateTestProbe();

        Sys.ActorOf(LoadGeneratorActor.Props(
            ClientTestKit.Session(stub.Port, reportEachStep: false),
            Load(3, 5, cap: TimeSpan.FromMilliseconds(300)),
            probe));

        var report = probe.FishForMessage<LoadReport>(_ => true, Wait);
        Assert.Equal(LoadEnd.MaxDuration, report.EndedBy);
        Assert.Equal(0, report.Ok);
        Assert.Equal(3, report.Failed);
        Assert.Equal(3, report.Failures["cancelled"]);
        Assert.Equal(2, report.NotStarted);
        Assert.Null(report.Reply);
        // The capped sessions are stopped, so the stub sees every connection close.
        await stub.Served.WaitAsync(Wait);
    }
}
