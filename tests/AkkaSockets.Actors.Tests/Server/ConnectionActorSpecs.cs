using System.Net;
using System.Text;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using Akka.TestKit;
using AkkaSockets.Protocol.Framing;
using AkkaSockets.Actors.Server;
using AkkaSockets.Actors.Transport;
using Xunit.Abstractions;

namespace AkkaSockets.Actors.Tests.Server;

/// <summary>
/// The connection actor against a probe standing in for the Akka.IO connection, on virtual
/// time: every delay is an <see cref="TestScheduler.Advance"/>, never a wait.
/// </summary>
public sealed class ConnectionActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private const string VirtualTime = """
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.loglevel = WARNING
        """;

    private static readonly IPEndPoint Remote = new(IPAddress.Loopback, 50123);
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan JustBefore = Delay - TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan OneTick = TimeSpan.FromMilliseconds(1);

    // Real time given to a message that must not come; virtual time does not move meanwhile.
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(150);

    private readonly TestProbe _connection;
    private readonly TestProbe _events;

    public ConnectionActorSpecs(ITestOutputHelper output)
        : base(VirtualTime, output)
    {
        _connection = CreateTestProbe("connection");
        _events = CreateTestProbe("events");
        Sys.EventStream.Subscribe(_events.Ref, typeof(ClientAccepted));
        Sys.EventStream.Subscribe(_events.Ref, typeof(ClientClosed));
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public async Task A_new_connection_registers_then_sends_the_greeting_then_resumes_reading()
    {
        var actor = Sys.ActorOf(ConnectionActor.Props(_connection.Ref, Remote, Settings()));

        var register = await _connection.ExpectMsgAsync<Tcp.Register>();
        Assert.Equal(actor, register.Handler);
        Assert.True(register.KeepOpenOnPeerClosed);
        var greeting = await _connection.ExpectMsgAsync<Tcp.Write>();
        Assert.Equal("Welcome!"u8.ToArray(), greeting.Data.ToArray());
        Assert.True(greeting.WantsAck);
        await _connection.ExpectMsgAsync<Tcp.ResumeReading>();
        await _events.ExpectMsgAsync(new ClientAccepted(Remote));
    }

    [Fact]
    public async Task A_connection_the_listener_already_welcomed_registers_and_reads_without_a_second_greeting()
    {
        var actor = Sys.ActorOf(ConnectionActor.Props(new AkkaIoPort(_connection.Ref), Remote, Settings(), welcomed: true));

        Assert.Equal(actor, (await _connection.ExpectMsgAsync<Tcp.Register>()).Handler);
        await _connection.ExpectMsgAsync<Tcp.ResumeReading>();
        await _events.ExpectMsgAsync(new ClientAccepted(Remote));
        await ReceiveAsync(actor, "Michael");
        Scheduler.Advance(Delay);
        await ExpectWriteAsync("Hello, Michael!");
    }

    [Fact]
    public async Task A_message_gets_no_reply_before_the_delay_and_its_reply_at_the_delay()
    {
        var actor = await StartAsync(Settings());

        await ReceiveAsync(actor, "Michael");
        Scheduler.Advance(JustBefore);
        await _connection.ExpectNoMsgAsync(Quiet);
        Scheduler.Advance(OneTick);

        await ExpectWriteAsync("Hello, Michael!");
    }

    [Fact]
    public async Task A_zero_reply_delay_answers_at_once()
    {
        var actor = await StartAsync(Settings() with { ReplyDelay = TimeSpan.Zero });

        actor.Tell(Received("Michael"), _connection.Ref);

        await _connection.ExpectMsgAsync<Tcp.ResumeReading>();
        await ExpectWriteAsync("Hello, Michael!");
    }

    [Fact]
    public async Task Three_pipelined_messages_are_answered_at_one_two_and_three_seconds()
    {
        var actor = await StartAsync(Settings());
        var start = Scheduler.Now;
        await ReceiveAsync(actor, "Michael");
        await ReceiveAsync(actor, "Tracy");
        await ReceiveAsync(actor, "Sarah");

        var second = 0;
        foreach (var name in new[] { "Michael", "Tracy", "Sarah" })
        {
            Scheduler.Advance(JustBefore);
            await _connection.ExpectNoMsgAsync(Quiet);
            Scheduler.Advance(OneTick);
            await ExpectWriteAsync($"Hello, {name}!", ack: true);
            Assert.Equal(TimeSpan.FromSeconds(++second), Scheduler.Now - start);
            await SettleAsync(actor);
        }

        Scheduler.Advance(Delay * 5);
        await _connection.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task The_next_delay_starts_only_when_the_previous_reply_is_acknowledged()
    {
        var actor = await StartAsync(Settings());
        await ReceiveAsync(actor, "Michael");
        await ReceiveAsync(actor, "Tracy");
        Scheduler.Advance(Delay);
        var first = await ExpectWriteAsync("Hello, Michael!", ack: false);

        // A peer that does not read leaves the write unacknowledged: nothing more is sent, even
        // with a new read waiting to be answered.
        await ReceiveAsync(actor, "Sarah");
        Scheduler.Advance(Delay * 10);
        await _connection.ExpectNoMsgAsync(Quiet);

        actor.Tell(first.Ack, _connection.Ref);
        await SettleAsync(actor);
        Scheduler.Advance(JustBefore);
        await _connection.ExpectNoMsgAsync(Quiet);
        Scheduler.Advance(OneTick);
        await ExpectWriteAsync("Hello, Tracy!");
    }

    [Fact]
    public async Task Exit_closes_the_connection_gracefully_after_the_delay()
    {
        var actor = await StartAsync(Settings());
        Watch(actor);

        await ReceiveAsync(actor, "exit\n");
        Scheduler.Advance(JustBefore);
        await _connection.ExpectNoMsgAsync(Quiet);
        Scheduler.Advance(OneTick);

        await _connection.ExpectMsgAsync<Tcp.Close>();
        await ConfirmClosedAsync(actor, CloseReason.Exit);
    }

    [Fact]
    public async Task End_of_stream_answers_every_pending_message_then_closes_after_one_more_delay()
    {
        var actor = await StartAsync(Settings());
        Watch(actor);
        await ReceiveAsync(actor, "Michael");
        await ReceiveAsync(actor, "Tracy");
        actor.Tell(Tcp.PeerClosed.Instance, _connection.Ref);
        await SettleAsync(actor);

        Scheduler.Advance(Delay);
        await ExpectWriteAsync("Hello, Michael!", ack: true);
        await SettleAsync(actor);
        Scheduler.Advance(Delay);
        await ExpectWriteAsync("Hello, Tracy!", ack: true);
        await SettleAsync(actor);
        Scheduler.Advance(JustBefore);
        await _connection.ExpectNoMsgAsync(Quiet);
        Scheduler.Advance(OneTick);

        await _connection.ExpectMsgAsync<Tcp.Close>();
        await ConfirmClosedAsync(actor, CloseReason.PeerClosed);
    }

    [Fact]
    public async Task End_of_stream_in_line_mode_hands_out_an_unterminated_last_line()
    {
        var actor = await StartAsync(Settings() with { Framing = FramingMode.Line });
        await ReceiveAsync(actor, "Sarah");
        actor.Tell(Tcp.PeerClosed.Instance, _connection.Ref);
        await SettleAsync(actor);

        Scheduler.Advance(Delay);

        await ExpectWriteAsync("Hello, Sarah!\r\n");
    }

    [Fact]
    public async Task A_full_queue_stops_reading_until_a_reply_drains_it_and_the_held_message_is_still_answered()
    {
        var actor = await StartAsync(Settings() with { Framing = FramingMode.Line, MaxPendingMessages = 2 });

        // One read fills the queue: reading stops without having resumed once with a message held.
        actor.Tell(Received("Michael\nTracy\n"), _connection.Ref);
        await SettleAsync(actor);
        await _connection.ExpectNoMsgAsync(Quiet);

        Scheduler.Advance(Delay);
        await ExpectWriteAsync("Hello, Michael!\r\n");
        await _connection.ExpectMsgAsync<Tcp.ResumeReading>();
        await SettleAsync(actor);

        // Nothing is discarded (SPEC §4): the message held at the bound gets its reply.
        Scheduler.Advance(Delay);
        await ExpectWriteAsync("Hello, Tracy!\r\n");
    }

    [Fact]
    public async Task A_connection_with_no_traffic_is_closed_at_the_idle_timeout()
    {
        var actor = await StartAsync(Settings() with { IdleTimeout = TimeSpan.FromSeconds(5) });
        Watch(actor);

        Scheduler.Advance(TimeSpan.FromSeconds(5) - OneTick);
        await _connection.ExpectNoMsgAsync(Quiet);
        Scheduler.Advance(OneTick);

        await _connection.ExpectMsgAsync<Tcp.Close>();
        await ConfirmClosedAsync(actor, CloseReason.IdleTimeout);
    }

    [Fact]
    public async Task With_the_idle_timeout_off_a_silent_connection_stays_open_however_long_it_is_quiet()
    {
        var actor = await StartAsync(Settings() with { IdleTimeout = null });

        Scheduler.Advance(TimeSpan.FromDays(1));
        await SettleAsync(actor);
        await _connection.ExpectNoMsgAsync(Quiet);

        // Still open and serving.
        await ReceiveAsync(actor, "Michael");
        Scheduler.Advance(Delay);
        await ExpectWriteAsync("Hello, Michael!");
    }

    [Fact]
    public async Task A_write_the_transport_could_not_carry_out_stops_the_connection_with_the_error_reason()
    {
        var actor = await StartAsync(Settings());
        Watch(actor);
        await ReceiveAsync(actor, "Michael");
        Scheduler.Advance(Delay);
        var write = await ExpectWriteAsync("Hello, Michael!", ack: false);

        actor.Tell(new Tcp.CommandFailed(write), _connection.Ref);

        await ExpectTerminatedAsync(actor);
        await _events.ExpectMsgAsync(new ClientClosed(Remote, CloseReason.Error));
    }

    [Fact]
    public async Task Traffic_postpones_the_idle_timeout_until_the_connection_has_been_quiet_that_long()
    {
        var actor = await StartAsync(Settings() with { IdleTimeout = TimeSpan.FromSeconds(5) });
        Watch(actor);

        Scheduler.Advance(TimeSpan.FromSeconds(3));
        await ReceiveAsync(actor, "Michael");
        Scheduler.Advance(Delay);
        await ExpectWriteAsync("Hello, Michael!", ack: true);
        await SettleAsync(actor);

        // The last traffic was the reply at 4 s: the check at 5 s finds 1 s of quiet and waits on.
        Scheduler.Advance(Delay);
        await SettleAsync(actor);
        await _connection.ExpectNoMsgAsync(Quiet);
        Scheduler.Advance(TimeSpan.FromSeconds(4) - OneTick);
        await SettleAsync(actor);
        await _connection.ExpectNoMsgAsync(Quiet);
        Scheduler.Advance(OneTick);

        await _connection.ExpectMsgAsync<Tcp.Close>();
        await ConfirmClosedAsync(actor, CloseReason.IdleTimeout);
    }

    [Fact]
    public async Task Waiting_out_a_long_reply_delay_is_not_idleness()
    {
        var settings = Settings() with { IdleTimeout = TimeSpan.FromSeconds(2), ReplyDelay = TimeSpan.FromSeconds(3) };
        var actor = await StartAsync(settings);

        await ReceiveAsync(actor, "Michael");
        Scheduler.Advance(TimeSpan.FromSeconds(2));
        await SettleAsync(actor);
        await _connection.ExpectNoMsgAsync(Quiet);
        Scheduler.Advance(TimeSpan.FromSeconds(1));

        await ExpectWriteAsync("Hello, Michael!");
    }

    [Fact]
    public async Task In_line_mode_an_over_long_line_is_refused_with_an_error_then_closed()
    {
        var actor = await StartAsync(Settings() with { Framing = FramingMode.Line, MaxFrameBytes = 16 });
        Watch(actor);

        actor.Tell(Received("ok\n" + new string('x', 17) + "\nnever\n"), _connection.Ref);
        await SettleAsync(actor);
        Scheduler.Advance(Delay);
        await ExpectWriteAsync("Hello, ok!\r\n", ack: true);

        await ExpectWriteAsync("Error: line too long\r\n", ack: false);
        await _connection.ExpectMsgAsync<Tcp.Close>();
        await ConfirmClosedAsync(actor, CloseReason.TooLarge);
    }

    [Fact]
    public async Task Drain_and_close_answers_every_pending_message_then_closes()
    {
        var actor = await StartAsync(Settings());
        Watch(actor);
        await ReceiveAsync(actor, "Michael");
        await ReceiveAsync(actor, "Tracy");

        actor.Tell(DrainAndClose.Instance);
        await SettleAsync(actor);
        Scheduler.Advance(Delay);
        await ExpectWriteAsync("Hello, Michael!", ack: true);
        await SettleAsync(actor);
        Scheduler.Advance(Delay);
        await ExpectWriteAsync("Hello, Tracy!", ack: true);

        await _connection.ExpectMsgAsync<Tcp.Close>();
        await ConfirmClosedAsync(actor, CloseReason.Shutdown);
    }

    [Fact]
    public async Task Drain_and_close_with_nothing_pending_closes_at_once()
    {
        var actor = await StartAsync(Settings());
        Watch(actor);

        actor.Tell(DrainAndClose.Instance);

        await _connection.ExpectMsgAsync<Tcp.Close>();
        await ConfirmClosedAsync(actor, CloseReason.Shutdown);
    }

    [Fact]
    public async Task A_reset_connection_stops_the_actor_at_once_without_answering()
    {
        var actor = await StartAsync(Settings());
        Watch(actor);
        await ReceiveAsync(actor, "Michael");

        actor.Tell(new Tcp.ErrorClosed("Connection reset by peer"), _connection.Ref);

        await ExpectTerminatedAsync(actor);
        await _events.ExpectMsgAsync(new ClientClosed(Remote, CloseReason.Reset));
        Scheduler.Advance(Delay * 2);
        await _connection.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task Delays_still_pending_when_a_connection_stops_leave_nothing_in_the_dead_letter_log()
    {
        var deadLetters = CreateTestProbe("dead-letters");
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var actor = await StartAsync(Settings() with { IdleTimeout = TimeSpan.FromSeconds(5) });
        Watch(actor);
        await ReceiveAsync(actor, "Michael");

        // Stopped inside its reply delay, with its idle check armed too.
        actor.Tell(new Tcp.ErrorClosed("Connection reset by peer"), _connection.Ref);
        await ExpectTerminatedAsync(actor);
        // Here the test's guardian is the parent, so the actor's last report is one: expected.
        await deadLetters.ExpectMsgAsync<DeadLetter>(d => d.Message is ConnectionStopped);
        Scheduler.Advance(TimeSpan.FromSeconds(10));

        await deadLetters.ExpectNoMsgAsync(Quiet);
        await _connection.ExpectNoMsgAsync(Quiet);
    }

    [Fact]
    public async Task A_graceful_close_the_peer_never_completes_is_aborted_after_the_linger()
    {
        var actor = await StartAsync(Settings());
        Watch(actor);
        await ReceiveAsync(actor, "exit");
        Scheduler.Advance(Delay);
        await _connection.ExpectMsgAsync<Tcp.Close>();
        await SettleAsync(actor);

        Scheduler.Advance(ConnectionActor.CloseLinger);

        await _connection.ExpectMsgAsync<Tcp.Abort>();
        await ExpectTerminatedAsync(actor);
        await _events.ExpectMsgAsync(new ClientClosed(Remote, CloseReason.Exit));
    }

    private static ServerSettings Settings() => ServerSettings.Default with
    {
        ReplyDelay = Delay,
        Framing = FramingMode.Chunk,
        MaxPendingMessages = 64,
        IdleTimeout = null,
    };

    private static Tcp.Received Received(string text) => new(ByteString.FromBytes(Encoding.UTF8.GetBytes(text)));

    private async Task<IActorRef> StartAsync(ServerSettings settings)
    {
        var actor = Sys.ActorOf(ConnectionActor.Props(_connection.Ref, Remote, settings));
        await _connection.ExpectMsgAsync<Tcp.Register>();
        var greeting = await _connection.ExpectMsgAsync<Tcp.Write>();
        _connection.Reply(greeting.Ack);
        await _connection.ExpectMsgAsync<Tcp.ResumeReading>();
        await _events.ExpectMsgAsync(new ClientAccepted(Remote));
        await SettleAsync(actor);
        return actor;
    }

    /// <summary>A read from the connection; with room in the queue the actor asks for the next one.</summary>
    private async Task ReceiveAsync(IActorRef actor, string text)
    {
        actor.Tell(Received(text), _connection.Ref);
        await _connection.ExpectMsgAsync<Tcp.ResumeReading>();
        await SettleAsync(actor);
    }

    /// <summary>A round trip: the actor has handled everything sent before, timers included.</summary>
    private async Task SettleAsync(IActorRef actor)
    {
        actor.Tell(new Identify(null), TestActor);
        await ExpectMsgAsync<ActorIdentity>();
    }

    private async Task<Tcp.Write> ExpectWriteAsync(string expected, bool ack = true)
    {
        var write = await _connection.ExpectMsgAsync<Tcp.Write>();
        Assert.Equal(expected, Encoding.UTF8.GetString(write.Data.ToArray()));
        Assert.True(write.WantsAck);
        if (ack)
            _connection.Reply(write.Ack);
        return write;
    }

    private async Task ConfirmClosedAsync(IActorRef actor, CloseReason reason)
    {
        _connection.Reply(Tcp.Closed.Instance);
        await ExpectTerminatedAsync(actor);
        await _events.ExpectMsgAsync(new ClientClosed(Remote, reason));
    }
}
