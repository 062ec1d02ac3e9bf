namespace AkkaSockets.Cli.Commands;

/// <summary>Process exit codes shared by every command; each command's own codes are listed in docs/reference.md.</summary>
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

    // load thresholds (--max-p99, --max-failures), for CI jobs.
    public const int LoadP99Exceeded = 17;
    public const int LoadTooManyFailures = 18;

    public const int Interrupted = 130;

    // Cluster commands: from 40.
    public const int RemovedFromCluster = 40;
    public const int NoSeedAnswered = 41;
    public const int NotEnoughWorkers = 42;

    // fetch: one code per failure, in a block of their own from 20.
    public const int FetchDnsFailed = 20;
    public const int FetchConnectionRefused = 21;
    public const int FetchTimeout = 22;
    public const int FetchMalformedHead = 23;
    public const int FetchHeadTooLarge = 24;
    public const int FetchTruncatedBody = 25;
    public const int FetchMalformedBody = 26;
    public const int FetchTooManyRedirects = 27;
    public const int FetchHttpError = 28;
    public const int FetchConnectionLost = 30;
    public const int FetchFileError = 31;
    public const int FetchBadRedirect = 32;
    public const int FetchTlsHandshakeFailed = 33;
    public const int FetchCertificateUntrusted = 34;
    public const int FetchCertificateNameMismatch = 35;
    public const int FetchCertificateExpired = 36;
}
