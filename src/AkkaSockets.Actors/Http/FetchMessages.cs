using System.Security.Cryptography.X509Certificates;
using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Actors.Http;

/// <summary>Fetch a URL and save its body at <paramref name="TargetPath"/>; events go to the sender.</summary>
/// <param name="FailOnHttpError">A final status of 400 or more is a failure and nothing is saved.</param>
public sealed record FetchPage(HttpUrl Url, string TargetPath, bool FailOnHttpError)
{
    /// <summary>How an https:// server's certificate is checked.</summary>
    public TlsTrust Trust { get; init; } = TlsTrust.System;

    /// <summary>When set, the body is written to this stream (standard output) instead of <see cref="TargetPath"/>.</summary>
    public Func<Stream>? BodyStream { get; init; }
}

/// <summary>
/// Trust for https:// servers: the system store, plus <paramref name="ExtraRoots"/> as anchors
/// (a private CA), or no check at all when <paramref name="Insecure"/>.
/// </summary>
public sealed record TlsTrust(X509Certificate2Collection ExtraRoots, bool Insecure)
{
    public static TlsTrust System { get; } = new([], Insecure: false);
}

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

/// <summary>Body bytes received so far; <paramref name="ExpectedBytes"/> when Content-Length said.</summary>
public sealed record FetchProgressed(long BytesSaved, long? ExpectedBytes);

/// <summary>The body is complete, written and (for a regular file) renamed to its final path.</summary>
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
    BadRedirect,
    FileError,
    Cancelled,
    TlsHandshakeFailed,
    CertificateUntrusted,
    CertificateNameMismatch,
    CertificateExpired,
}
