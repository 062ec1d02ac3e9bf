namespace AkkaSockets.Protocol.Http;

/// <summary>What was wrong with a response; each maps to its own exit code in the CLI.</summary>
public enum HttpParseError
{
    /// <summary>The status line or a header cannot be parsed, or the head ended early.</summary>
    MalformedHead,

    /// <summary>The head is larger than the parser's limit.</summary>
    HeadTooLarge,

    /// <summary>The body framing is broken: a bad chunk size, a missing CRLF after a chunk, bad trailers.</summary>
    MalformedBody,

    /// <summary>The connection closed before the body its framing declared was complete.</summary>
    TruncatedBody,
}

/// <summary>The only exception <see cref="HttpResponseParser"/> throws.</summary>
public sealed class HttpParseException : Exception
{
    public HttpParseException(HttpParseError error, string message)
        : base(message)
    {
        Error = error;
    }

    public HttpParseException()
        : this(HttpParseError.MalformedHead, "malformed HTTP response")
    {
    }

    public HttpParseException(string message)
        : this(HttpParseError.MalformedHead, message)
    {
    }

    public HttpParseException(string message, Exception inner)
        : base(message, inner)
    {
        Error = HttpParseError.MalformedHead;
    }

    public HttpParseError Error { get; }
}
