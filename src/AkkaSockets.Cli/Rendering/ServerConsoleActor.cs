using Akka;
using Akka.Actor;
using AkkaSockets.Actors.Server;
using AkkaSockets.Actors.Transport;

namespace AkkaSockets.Cli.Rendering;

/// <summary>
/// Renders the server's events as the tutorial's lines on stdout. The only writer of the
/// server's stdout, so its lines never interleave.
/// </summary>
public sealed class ServerConsoleActor : UntypedActor
{
    private readonly TextWriter _out;
    private readonly bool _quiet;

    public ServerConsoleActor(TextWriter output, bool quiet)
    {
        _out = output;
        _quiet = quiet;
    }

    public static Props Props(TextWriter output, bool quiet) =>
        Akka.Actor.Props.Create<ServerConsoleActor>(output, quiet);

    /// <summary>Answered with <see cref="Done"/> once every event that arrived before it is written.</summary>
    public sealed record Flush
    {
        public static readonly Flush Instance = new();

        private Flush()
        {
        }
    }

    protected override void PreStart()
    {
        var events = Context.System.EventStream;
        events.Subscribe(Self, typeof(ServerBound));
        if (_quiet)
            return;
        events.Subscribe(Self, typeof(ClientAccepted));
        events.Subscribe(Self, typeof(ClientClosed));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ServerBound bound:
                _out.WriteLine($"Listening on {EndPoints.Format(bound.LocalAddress)}");
                _out.WriteLine("Waiting for connection...");
                break;
            case ClientAccepted accepted:
                _out.WriteLine($"Accept new connection from {EndPoints.Format(accepted.Remote)}...");
                break;
            case ClientClosed closed:
                _out.WriteLine($"Connection from {EndPoints.Format(closed.Remote)} closed.");
                break;
            case Flush:
                _out.Flush();
                Sender.Tell(Done.Instance);
                return;
        }

        _out.Flush();
    }
}
