namespace AkkaSockets.Cli.Commands;

/// <summary>Process exit codes shared by every command; each command's own codes are listed in the README.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int CannotListen = 3;
    public const int Interrupted = 130;
}
