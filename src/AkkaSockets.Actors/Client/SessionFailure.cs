namespace AkkaSockets.Actors.Client;

/// <summary>Why a client session did not complete; each maps to its own exit code in the CLI.</summary>
public enum SessionFailure
{
    Refused,
    UnknownHost,
    Timeout,
    ClosedEarly,
    UnexpectedReply,
    ServerBusy,
    Cancelled,
    Error,
}

public static class SessionFailureText
{
    public static string ToText(this SessionFailure cause) => cause switch
    {
        SessionFailure.Refused => "refused",
        SessionFailure.UnknownHost => "unknown-host",
        SessionFailure.Timeout => "timeout",
        SessionFailure.ClosedEarly => "closed-early",
        SessionFailure.UnexpectedReply => "unexpected-reply",
        SessionFailure.ServerBusy => "server-busy",
        SessionFailure.Cancelled => "cancelled",
        _ => "error",
    };
}
