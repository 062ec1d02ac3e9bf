using System.Net;
using Akka.Actor;
using Akka.IO;
using Akka.TestKit;
using AkkaSockets.Protocol.Framing;
using AkkaSockets.Actors.Server;
using FsCheck.Xunit;

namespace AkkaSockets.Actors.Tests.Server;

/// <summary>
/// The whole byte path of one connection (decoder, queue, replies, acknowledged writes, close)
/// against <see cref="GreetingModel"/>, with a probe playing Akka.IO's connection in pull mode:
/// it delivers a read only after ResumeReading and acknowledges each write, in a random order.
/// No sockets and no timers: the reply delay is zero, so the run is decided by messages alone.
/// </summary>
[Trait("Category", "Hardening")]
public sealed class ConnectionActorModelProperties : Akka.TestKit.Xunit2.TestKit
{
    private static readonly EndPoint Remote = new IPEndPoint(IPAddress.Loopback, 50000);

    public ConnectionActorModelProperties()
        : base("akka.loglevel = WARNING")
    {
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(ByteSessions)])]
    public void A_line_framed_connection_writes_exactly_what_the_model_says_for_any_bytes_and_any_split(ByteSession session)
    {
        var written = Drive(session, FramingMode.Line, GreetingModel.CompleteLines);

        Assert.Equal(
            Convert.ToHexString(GreetingModel.LineReplies(session.Bytes, session.MaxFrameBytes)),
            Convert.ToHexString(written));
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(ChunkSafeSessions)])]
    public void A_chunk_framed_connection_answers_each_read_exactly_as_the_model_says(ByteSession session)
    {
        var written = Drive(
            session,
            FramingMode.Chunk,
            reads => reads.Sum(r => GreetingModel.ChunkMessages(r, session.MaxFrameBytes).Count()));

        Assert.Equal(
            Convert.ToHexString(GreetingModel.ChunkReplies(session.Reads(), session.MaxFrameBytes)),
            Convert.ToHexString(written));
    }

    /// <summary>
    /// Plays the connection until the actor closes it; returns every byte it wrote. Along the way
    /// checks §4: one write in flight at a time, and no ResumeReading while max-pending-messages wait.
    /// </summary>
    private byte[] Drive(ByteSession session, FramingMode framing, Func<IReadOnlyList<byte[]>, int> messagesIn)
    {
        var settings = ServerSettings.Default with
        {
            ReplyDelay = TimeSpan.Zero,
            Framing = framing,
            MaxFrameBytes = session.MaxFrameBytes,
            MaxPendingMessages = session.MaxPending,
            IdleTimeout = null,
        };
        var connection = CreateTestProbe();
        var actor = Sys.ActorOf(ConnectionActor.Props(connection.Ref, Remote, settings));
        Watch(actor);
        connection.ExpectMsg<Tcp.Register>();

        var random = new Random(session.Seed);
        var reads = new Queue<byte[]>(session.Reads());
        var delivered = new List<byte[]>();
        var written = new List<byte>();
        object? unacked = null;
        var replies = -1; // the greeting is not a reply
        var canRead = false;
        var eofSent = false;

        bool Handle(object? message)
        {
            switch (message)
            {
                case Tcp.Write write:
                    Assert.True(unacked is null, "a second write was sent before the first was acknowledged");
                    Assert.True(write.WantsAck, "writes must be acknowledged");
                    written.AddRange(write.Data.ToArray());
                    unacked = write.Ack;
                    replies++;
                    return false;
                case Tcp.ResumeReading:
                    var waiting = messagesIn(delivered) - replies;
                    Assert.True(waiting < session.MaxPending, $"asked for more input with {waiting} messages waiting");
                    canRead = true;
                    return false;
                case Tcp.Close:
                    return true;
                case null:
                    Assert.Fail("the connection stalled: no write, read request or close");
                    return true;
                default:
                    Assert.Fail($"unexpected command to the connection: {message}");
                    return true;
            }
        }

        for (var step = 0; step < 100_000; step++)
        {
            var closed = false;
            while (!closed && connection.HasMessages)
                closed = Handle(connection.ReceiveOne(TimeSpan.Zero));

            var canAck = unacked is not null;
            var canDeliver = canRead && !eofSent;
            if (closed)
            {
                actor.Tell(Tcp.Closed.Instance, connection.Ref);
                ExpectTerminated(actor);
                return [.. written];
            }

            if (canAck && (!canDeliver || random.Next(2) == 0))
            {
                actor.Tell(unacked, connection.Ref);
                unacked = null;
            }
            else if (canDeliver)
            {
                canRead = false;
                if (reads.TryDequeue(out var read))
                {
                    delivered.Add(read);
                    actor.Tell(new Tcp.Received(ByteString.FromBytes(read)), connection.Ref);
                }
                else
                {
                    eofSent = true;
                    actor.Tell(Tcp.PeerClosed.Instance, connection.Ref);
                }
            }
            else if (Handle(connection.ReceiveOne(TimeSpan.FromSeconds(5))))
            {
                // Nothing for the connection to do, so the actor owed the next move: it closed.
                actor.Tell(Tcp.Closed.Instance, connection.Ref);
                ExpectTerminated(actor);
                return [.. written];
            }
        }

        throw new InvalidOperationException("the session did not end within its step bound");
    }
}
