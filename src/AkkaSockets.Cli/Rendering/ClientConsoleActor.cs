using Akka.Actor;
using AkkaSockets.Actors.Client;

namespace AkkaSockets.Cli.Rendering;

/// <summary>
/// Prints a session's welcome and replies on stdout, one per line as the tutorial's client
/// does, and hands the session's outcome (<see cref="SessionCompleted"/> or
/// <see cref="SessionFailed"/>) to the command.
/// </summary>
public sealed class ClientConsoleActor : UntypedActor
{
    private readonly TextWriter _out;
    private readonly TaskCompletionSource<object> _outcome;

    public ClientConsoleActor(TextWriter output, TaskCompletionSource<object> outcome)
    {
        _out = output;
        _outcome = outcome;
    }

    public static Props Props(TextWriter output, TaskCompletionSource<object> outcome) =>
        Akka.Actor.Props.Create(() => new ClientConsoleActor(output, outcome));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case WelcomeReceived welcome:
                _out.WriteLine(welcome.Text);
                _out.Flush();
                break;
            case ReplyReceived reply:
                _out.WriteLine(reply.Text);
                _out.Flush();
                break;
            case SessionCompleted or SessionFailed:
                _outcome.TrySetResult(message);
                break;
        }
    }
}
