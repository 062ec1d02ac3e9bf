namespace AkkaSockets.Cli.Commands;

/// <summary>Process exit codes shared by every command; each command's own codes are listed in the README.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int CannotListen = 3;

    // The client and load commands: one code per way a session can fail.
    public const int ConnectionRefused = 10;
    public const int UnknownHost = 11;
    public const int Timeout = 12;
    public const int ClosedEarly = 13;
    public const int UnexpectedReply = 14;
    public const int ServerBusy = 15;
    public const int LoadHadFailures = 16;

    public const int Interrupted = 130;
}
