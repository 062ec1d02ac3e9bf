namespace AkkaSockets.Protocol.Http;

/// <summary>Receives what <see cref="HttpResponseParser"/> finds, in order: one head, body bytes, completion.</summary>
public interface IHttpResponseHandler
{
    /// <summary>The final (non-1xx) response head; interim responses are skipped.</summary>
    void OnHead(HttpResponseHead head);

    /// <summary>Decoded body bytes; the span is only valid during the call.</summary>
    void OnBody(ReadOnlySpan<byte> bytes);

    /// <summary>The body is complete; no more bytes are consumed.</summary>
    void OnComplete();
}
