namespace AkkaSockets.Actors.Server;

/// <summary>Why a connection ended; logged at debug level and carried by <see cref="ClientClosed"/>.</summary>
public enum CloseReason
{
    Exit,
    PeerClosed,
    Reset,
    IdleTimeout,
    TooLarge,
    Shutdown,
    Error,
}

public static class CloseReasonText
{
    public static string ToText(this CloseReason reason) => reason switch
    {
        CloseReason.Exit => "exit",
        CloseReason.PeerClosed => "peer-closed",
        CloseReason.Reset => "reset",
        CloseReason.IdleTimeout => "idle-timeout",
        CloseReason.TooLarge => "too-large",
        CloseReason.Shutdown => "shutdown",
        _ => "error",
    };
}
