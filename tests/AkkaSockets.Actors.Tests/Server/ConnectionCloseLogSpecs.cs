using System.Net;
using Akka.Actor;
using Akka.IO;
using AkkaSockets.Actors.Server;

namespace AkkaSockets.Actors.Tests.Server;

/// <summary>The close reason is logged at debug level only: one line per connection when DEBUG is on.</summary>
public sealed class ConnectionCloseLogSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly IPEndPoint Remote = new(IPAddress.Loopback, 50124);

    public ConnectionCloseLogSpecs()
        : base("akka.loglevel = DEBUG")
    {
    }

    [Fact]
    public async Task With_debug_logging_a_connection_closed_by_exit_logs_its_address_and_reason()
    {
        var connection = CreateTestProbe();
        var settings = ServerSettings.Default with { ReplyDelay = TimeSpan.Zero, IdleTimeout = null };
        var actor = Sys.ActorOf(ConnectionActor.Props(connection.Ref, Remote, settings));
        await connection.ExpectMsgAsync<Tcp.Register>();
        var greeting = await connection.ExpectMsgAsync<Tcp.Write>();
        actor.Tell(greeting.Ack, connection.Ref);
        await connection.ExpectMsgAsync<Tcp.ResumeReading>();

        await EventFilter.Debug(contains: "Connection from 127.0.0.1:50124 closed: exit").ExpectOneAsync(async () =>
        {
            actor.Tell(new Tcp.Received(ByteString.FromString("exit")), connection.Ref);
            await connection.FishForMessageAsync(m => m is Tcp.Close);
            actor.Tell(Tcp.Closed.Instance, connection.Ref);
        });
    }
}
