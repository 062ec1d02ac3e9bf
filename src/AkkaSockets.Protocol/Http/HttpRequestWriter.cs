using System.Text;

namespace AkkaSockets.Protocol.Http;

/// <summary>The request bytes: the tutorial's GET, completed with the headers HTTP/1.1 expects.</summary>
public static class HttpRequestWriter
{
    public static byte[] Get(HttpUrl url, string userAgent)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentException.ThrowIfNullOrWhiteSpace(userAgent);
        var text =
            $"GET {url.Target} HTTP/1.1\r\n" +
            $"Host: {url.HostHeader}\r\n" +
            $"User-Agent: {userAgent}\r\n" +
            "Accept: */*\r\n" +
            "Connection: close\r\n" +
            "\r\n";
        // Uri has percent-encoded the target and punycoded the host, so this is ASCII.
        return Encoding.ASCII.GetBytes(text);
    }
}
