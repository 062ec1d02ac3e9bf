using System.Globalization;

namespace AkkaSockets.Protocol.Http;

public sealed record HttpHeader(string Name, string Value);

/// <summary>How the body of a response is delimited (RFC 9112 §6.3).</summary>
public enum BodyFraming
{
    /// <summary>1xx, 204, 304, or the answer to HEAD.</summary>
    None,
    Chunked,
    ContentLength,
    CloseDelimited,
}

/// <summary>A parsed status line and header section, with the lines as they arrived for display.</summary>
public sealed record HttpResponseHead(
    string Version,
    int StatusCode,
    string Reason,
    IReadOnlyList<HttpHeader> Headers,
    IReadOnlyList<string> Lines)
{
    public string StatusLine => Lines.Count > 0 ? Lines[0] : string.Create(CultureInfo.InvariantCulture, $"{Version} {StatusCode} {Reason}");

    public bool IsRedirect => StatusCode is 301 or 302 or 303 or 307 or 308;

    /// <summary>The first header of this name (case-insensitive), or null.</summary>
    public string? Get(string name)
    {
        foreach (var header in Headers)
        {
            if (header.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                return header.Value;
        }

        return null;
    }

    public IEnumerable<string> GetAll(string name) =>
        Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);
}
