using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Actors.Http;

/// <summary>Fetch a URL and save its body at <paramref name="TargetPath"/>; events go to the sender.</summary>
/// <param name="FailOnHttpError">A final status of 400 or more is a failure and nothing is saved.</param>
public sealed record FetchPage(HttpUrl Url, string TargetPath, bool FailOnHttpError);

/// <summary>Stop the fetch now: the connection is dropped, the temporary file removed.</summary>
public sealed record CancelFetch
{
    public static readonly CancelFetch Instance = new();

    private CancelFetch()
    {
    }
}

/// <summary>A response head arrived (each redirect's too, and a final one).</summary>
public sealed record ResponseHeadReceived(HttpUrl Url, HttpResponseHead Head);

/// <summary>Body bytes written to disk so far; <paramref name="ExpectedBytes"/> when Content-Length said.</summary>
public sealed record FetchProgressed(long BytesSaved, long? ExpectedBytes);

/// <summary>The body is complete and renamed to its final path.</summary>
public sealed record PageSaved(HttpUrl Url, string Path, long Bytes, int StatusCode);

/// <summary>The fetch ended without a saved file; nothing is left under the final name.</summary>
public sealed record FetchFailed(FetchFailure Failure, string Reason);

/// <summary>Why a fetch failed; the CLI gives each its own exit code.</summary>
public enum FetchFailure
{
    DnsFailed,
    ConnectionRefused,
    ConnectTimeout,
    IdleTimeout,
    ConnectionLost,
    MalformedHead,
    HeadTooLarge,
    MalformedBody,
    TruncatedBody,
    TooManyRedirects,
    HttpError,
    HttpsUnsupported,
    BadRedirect,
    FileError,
    Cancelled,
}
