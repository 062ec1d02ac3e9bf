using System.Globalization;

namespace AkkaSockets.Protocol.Http;

public enum HttpUrlError
{
    /// <summary>Not a usable http:// or https:// URL.</summary>
    Invalid,
}

public sealed class HttpUrlException : Exception
{
    public HttpUrlException(HttpUrlError error, string message)
        : base(message)
    {
        Error = error;
    }

    public HttpUrlException()
        : this(HttpUrlError.Invalid, "invalid URL")
    {
    }

    public HttpUrlException(string message)
        : this(HttpUrlError.Invalid, message)
    {
    }

    public HttpUrlException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public HttpUrlError Error { get; }
}

/// <summary>
/// An absolute http:// or https:// URL reduced to what a request needs: the host (an IPv6 literal
/// without brackets), the port, whether TLS is due, and the request target (path and query,
/// percent-encoded, no fragment).
/// </summary>
public sealed record HttpUrl
{
    private HttpUrl(Uri uri)
    {
        Uri = uri;
        IsIPv6Literal = uri.HostNameType == UriHostNameType.IPv6;
        // DnsSafeHost drops the brackets of an IPv6 literal; IdnHost turns a Unicode name into punycode.
        Host = IsIPv6Literal ? uri.DnsSafeHost : uri.IdnHost;
        Port = uri.Port;
        IsHttps = uri.Scheme.Equals(Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase);
        Target = string.IsNullOrEmpty(uri.PathAndQuery) ? "/" : uri.PathAndQuery;
    }

    public Uri Uri { get; }

    public string Host { get; }

    public bool IsIPv6Literal { get; }

    public int Port { get; }

    /// <summary>An https:// URL: the connection is TLS, the host name is what the certificate must name.</summary>
    public bool IsHttps { get; }

    /// <summary>The request target: <c>/path?query</c>.</summary>
    public string Target { get; }

    /// <summary>The Host header: the port only when it is not the scheme's default, an IPv6 literal in brackets.</summary>
    public string HostHeader
    {
        get
        {
            var host = IsIPv6Literal ? $"[{Uri.DnsSafeHost.Split('%')[0]}]" : Host;
            return Port == (IsHttps ? 443 : 80) ? host : string.Create(CultureInfo.InvariantCulture, $"{host}:{Port}");
        }
    }

    /// <summary>
    /// The last path segment, decoded, as a file name; <c>index.html</c> when the path ends in
    /// <c>/</c> or the segment cannot be a file name.
    /// </summary>
    public string DefaultFileName
    {
        get
        {
            var path = Uri.AbsolutePath;
            var segment = path[(path.LastIndexOf('/') + 1)..];
            var name = Uri.UnescapeDataString(segment);
            if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0)
                return "index.html";
            return name;
        }
    }

    public override string ToString() => Uri.AbsoluteUri;

    /// <summary>Parses an absolute http:// or https:// URL; one without a scheme is taken as http://.</summary>
    public static HttpUrl Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (text.Length == 0)
            throw new HttpUrlException(HttpUrlError.Invalid, "the URL is empty");
        if (!text.Contains("://", StringComparison.Ordinal))
            text = "http://" + text;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            throw new HttpUrlException(HttpUrlError.Invalid, $"not a valid URL: {text}");
        return FromUri(uri);
    }

    /// <summary>Resolves a Location header against this URL (RFC 3986 §5), as a redirect does.</summary>
    public HttpUrl Resolve(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (!Uri.TryCreate(Uri, location.Trim(), out var resolved))
            throw new HttpUrlException(HttpUrlError.Invalid, $"not a valid redirect location: {location}");
        return FromUri(resolved);
    }

    private static HttpUrl FromUri(Uri uri)
    {
        if (!uri.Scheme.Equals(Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase) && !uri.Scheme.Equals(Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
            throw new HttpUrlException(HttpUrlError.Invalid, $"only http:// and https:// URLs are supported: {uri.AbsoluteUri}");
        if (string.IsNullOrEmpty(uri.Host))
            throw new HttpUrlException(HttpUrlError.Invalid, $"the URL has no host: {uri.OriginalString}");
        if (uri.UserInfo.Length > 0)
            throw new HttpUrlException(HttpUrlError.Invalid, "credentials in URLs are not supported");
        return new HttpUrl(uri);
    }
}
