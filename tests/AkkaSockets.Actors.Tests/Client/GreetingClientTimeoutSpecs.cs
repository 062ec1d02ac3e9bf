using Akka.TestKit;
using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Transport;

namespace AkkaSockets.Actors.Tests.Client;

/// <summary>The reply timeout on virtual time, with the session owning its socket.</summary>
public sealed class DirectTransportClientTimeoutSpecs : GreetingClientTimeoutSpecs
{
    protected override TransportKind Transport => TransportKind.Direct;
}

/// <summary>The reply timeout on virtual time, connecting through Akka.IO.</summary>
public sealed class AkkaIoTransportClientTimeoutSpecs : GreetingClientTimeoutSpecs
{
    protected override TransportKind Transport => TransportKind.AkkaIo;
}

/// <summary>
/// The session's deadlines against a stub server that moves the virtual clock itself, so the
/// outcome does not depend on how busy the machine is: the sockets are real, the time is not.
/// </summary>
public abstract class GreetingClientTimeoutSpecs : Akka.TestKit.Xunit2.TestKit
{
    private const string VirtualTime = """
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.loglevel = WARNING
        """;

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    // Real time given to a message that must not come; virtual time does not move meanwhile.
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(150);

    protected GreetingClientTimeoutSpecs()
        : base(VirtualTime)
    {
    }

    protected abstract TransportKind Transport { get; }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public async Task The_timeout_bounds_each_reply_not_the_whole_session()
    {
        // Each reply comes 900 ms (virtual) after its name: 2.7 s in all against a 1 s timeout.
        // A timeout over the whole session would fire during the second reply's wait.
        var perReply = TimeSpan.FromMilliseconds(900);
        await using var stub = StubServer.Start(async c =>
        {
            await c.SendAsync("Welcome!");
            foreach (var name in ClientTestKit.TutorialNames)
            {
                var got = await c.ReceiveAsync(name);
                Scheduler.Advance(perReply);
                await c.SendAsync($"Hello, {got}!");
            }

            await c.ReceiveAsync("exit");
        });
        var probe = CreateTestProbe();

        Sys.ActorOf(GreetingClientActor.Props(ClientTestKit.Session(stub.Port, Timeout, transport: Transport), 1, probe));

        await probe.ExpectMsgAsync<SessionConnected>(Wait);
        await probe.ExpectMsgAsync<WelcomeReceived>(Wait);
        for (var i = 0; i < ClientTestKit.TutorialNames.Length; i++)
            Assert.Equal(i, (await probe.ExpectMsgAsync<ReplyReceived>(Wait)).Index);
        Assert.Equal(3, (await probe.ExpectMsgAsync<SessionCompleted>(Wait)).LatencyMicros.Length);
        await stub.Served.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_server_that_never_replies_fails_the_session_as_timeout_exactly_at_the_reply_timeout()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var stub = StubServer.Start(async c =>
        {
            await c.SendAsync("Welcome!");
            await c.ReceiveAsync("Michael");
            received.SetResult();
            await c.DrainUntilClosedAsync();
        });
        var probe = CreateTestProbe();

        Sys.ActorOf(GreetingClientActor.Props(ClientTestKit.Session(stub.Port, Timeout, transport: Transport), 1, probe));

        await probe.ExpectMsgAsync<SessionConnected>(Wait);
        await probe.ExpectMsgAsync<WelcomeReceived>(Wait);
        await received.Task.WaitAsync(Wait);
        Scheduler.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        await probe.ExpectNoMsgAsync(Quiet);
        Scheduler.Advance(TimeSpan.FromMilliseconds(1));
        var failed = await probe.ExpectMsgAsync<SessionFailed>(Wait);
        Assert.Equal(SessionFailure.Timeout, failed.Cause);
        Assert.Equal("no reply to 'Michael' within 1s", failed.Detail);
        Assert.True(failed.Connected);
        await stub.Served.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_reply_later_than_the_timeout_fails_the_session_as_timeout()
    {
        // The same stub, but the second reply waits 1.1 s (virtual) behind its name.
        await using var stub = StubServer.Start(async c =>
        {
            await c.SendAsync("Welcome!");
            await c.SendAsync($"Hello, {await c.ReceiveAsync("Michael")}!");
            await c.ReceiveAsync("Tracy");
            Scheduler.Advance(Timeout + TimeSpan.FromMilliseconds(100));
            await c.DrainUntilClosedAsync();
        });
        var probe = CreateTestProbe();

        Sys.ActorOf(GreetingClientActor.Props(ClientTestKit.Session(stub.Port, Timeout, transport: Transport), 1, probe));

        await probe.ExpectMsgAsync<SessionConnected>(Wait);
        await probe.ExpectMsgAsync<WelcomeReceived>(Wait);
        await probe.ExpectMsgAsync<ReplyReceived>(Wait);
        var failed = await probe.ExpectMsgAsync<SessionFailed>(Wait);
        Assert.Equal(SessionFailure.Timeout, failed.Cause);
        Assert.Equal("no reply to 'Tracy' within 1s", failed.Detail);
        Assert.Single(failed.LatencyMicros);
        await stub.Served.WaitAsync(Wait);
    }
}
