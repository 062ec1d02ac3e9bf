using System.Globalization;
using System.Text;

namespace AkkaSockets.Protocol.Http;

/// <summary>
/// An incremental HTTP/1.1 response parser for one response on a connection. It is fed byte
/// slices as they arrive, in any split, and reports the head, the decoded body and completion
/// to a handler. Body framing follows RFC 9112 §6.3: no body for 1xx/204/304 and HEAD; then
/// Transfer-Encoding chunked (which wins over a Content-Length, as the RFC says); then an exact
/// Content-Length; otherwise the body runs to the end of the connection. It never consumes a
/// byte past the end of the response, and throws nothing but <see cref="HttpParseException"/>.
/// </summary>
public sealed class HttpResponseParser
{
    public const int DefaultMaxHeadBytes = 64 * 1024;

    /// <summary>Chunk-size lines carry extensions; anything longer than this is not a real one.</summary>
    public const int MaxChunkLineBytes = 4096;

    // A server that sends 1xx forever is not making progress.
    private const int MaxInterimResponses = 32;

    private static readonly byte[] HttpPrefix = "HTTP/"u8.ToArray();

    private readonly bool _headRequest;
    private readonly int _maxHeadBytes;
    private readonly List<HttpHeader> _headers = [];
    private readonly List<string> _lines = [];

    // The value of the last header while continuation lines extend it; rebuilding the string per
    // line made a head of folded lines cost time and memory quadratic in its size.
    private readonly StringBuilder _folded = new();
    private bool _folding;

    private State _state = State.Head;
    private byte[] _line = new byte[256];
    private int _lineLength;
    private int _sectionBytes;
    private int _interim;
    private long _remaining;
    private HttpParseException? _failure;

    public HttpResponseParser(bool headRequest = false, int maxHeadBytes = DefaultMaxHeadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeadBytes, 16);
        _headRequest = headRequest;
        _maxHeadBytes = maxHeadBytes;
    }

    private enum State
    {
        Head,
        Fixed,
        CloseDelimited,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Complete,
    }

    public HttpResponseHead? Head { get; private set; }

    public BodyFraming Framing { get; private set; }

    /// <summary>The declared body length, when the body is framed by Content-Length.</summary>
    public long? ContentLength { get; private set; }

    public bool IsComplete => _state == State.Complete;

    /// <summary>
    /// Consumes bytes from <paramref name="data"/> and returns how many it took: all of them,
    /// unless the response completed part-way (the rest is not part of this response).
    /// </summary>
    public int Feed(ReadOnlySpan<byte> data, IHttpResponseHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_failure is not null)
            throw new HttpParseException(_failure.Error, _failure.Message);

        var consumed = 0;
        try
        {
            while (consumed < data.Length && _state != State.Complete)
            {
                var rest = data[consumed..];
                consumed += _state switch
                {
                    State.Head => FeedHead(rest, handler),
                    State.Fixed => FeedFixed(rest, handler),
                    State.CloseDelimited => FeedAll(rest, handler),
                    State.ChunkSize => FeedChunkSize(rest),
                    State.ChunkData => FeedChunkData(rest, handler),
                    State.ChunkDataEnd => FeedChunkDataEnd(rest),
                    State.Trailers => FeedTrailers(rest, handler),
                    _ => rest.Length,
                };
            }
        }
        catch (HttpParseException e)
        {
            _failure = e;
            throw;
        }

        return consumed;
    }

    /// <summary>The connection ended: completes a close-delimited body, or reports what was cut short.</summary>
    public void Finish(IHttpResponseHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_failure is not null)
            throw new HttpParseException(_failure.Error, _failure.Message);

        switch (_state)
        {
            case State.Complete:
                return;
            case State.CloseDelimited:
                Complete(handler);
                return;
            case State.Head:
                _failure = new HttpParseException(
                    HttpParseError.MalformedHead,
                    _lines.Count == 0 && _lineLength == 0
                        ? "the server closed the connection without a response"
                        : "the server closed the connection in the middle of the response head");
                throw _failure;
            case State.Fixed:
                _failure = new HttpParseException(
                    HttpParseError.TruncatedBody,
                    string.Create(CultureInfo.InvariantCulture, $"body truncated: {_remaining} of {ContentLength} bytes missing"));
                throw _failure;
            default:
                _failure = new HttpParseException(HttpParseError.TruncatedBody, "body truncated: the chunked body did not end");
                throw _failure;
        }
    }

    private int FeedHead(ReadOnlySpan<byte> data, IHttpResponseHandler handler)
    {
        var consumed = ReadLine(data, _maxHeadBytes, HttpParseError.HeadTooLarge, "the response head is larger than", out var complete);
        if (_lines.Count == 0)
            CheckStatusPrefix();
        if (!complete)
            return consumed;

        var line = CurrentLine();
        _lineLength = 0;
        if (line.Length > 0)
        {
            AddHeadLine(line);
            return consumed;
        }

        if (_lines.Count == 0)
            throw Malformed("an empty line where the status line should be");
        EndOfHead(handler);
        return consumed;
    }

    private void CheckStatusPrefix()
    {
        var seen = Math.Min(_lineLength, HttpPrefix.Length);
        if (!_line.AsSpan(0, seen).SequenceEqual(HttpPrefix.AsSpan(0, seen)))
            throw Malformed("the response does not start with an HTTP status line");
    }

    private void AddHeadLine(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            // HT is allowed in field values; every other control byte is not.
            if ((b < 0x20 && b != (byte)'\t') || b == 0x7F)
                throw Malformed("a control character in the response head");
        }

        var text = Encoding.UTF8.GetString(line);
        if (_lines.Count == 0)
        {
            _lines.Add(text);
            return;
        }

        if (line[0] is (byte)' ' or (byte)'\t')
        {
            // Obsolete line folding: RFC 9112 §5.2 has a user agent replace it with a space.
            if (_headers.Count == 0)
                throw Malformed("a continuation line before any header");
            if (!_folding)
            {
                _folded.Clear().Append(_headers[^1].Value);
                _folding = true;
            }

            var piece = Latin1(line).Trim(' ', '\t');
            if (piece.Length > 0)
            {
                if (_folded.Length > 0)
                    _folded.Append(' ');
                _folded.Append(piece);
            }

            _lines.Add(text);
            return;
        }

        EndFolding();

        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
            throw Malformed($"a header line without a name and colon: {Shorten(text)}");
        var name = line[..colon];
        foreach (var b in name)
        {
            if (!IsTokenChar(b))
                throw Malformed($"an invalid header name: {Shorten(text)}");
        }

        _headers.Add(new HttpHeader(Latin1(name), Latin1(line[(colon + 1)..]).Trim(' ', '\t')));
        _lines.Add(text);
    }

    private void EndFolding()
    {
        if (!_folding)
            return;
        _headers[^1] = _headers[^1] with { Value = _folded.ToString().Trim() };
        _folded.Clear();
        _folding = false;
    }

    private void EndOfHead(IHttpResponseHandler handler)
    {
        EndFolding();
        var (version, status, reason) = ParseStatusLine(_lines[0]);
        var head = new HttpResponseHead(version, status, reason, _headers.ToArray(), _lines.ToArray());
        _headers.Clear();
        _lines.Clear();
        _sectionBytes = 0;

        if (status < 200)
        {
            if (status == 101)
                throw Malformed("101 Switching Protocols to a request that asked for no upgrade");
            if (++_interim > MaxInterimResponses)
                throw Malformed("too many interim (1xx) responses");
            return;
        }

        Head = head;
        Framing = DecideFraming(head);
        handler.OnHead(head);
        switch (Framing)
        {
            case BodyFraming.None:
                Complete(handler);
                break;
            case BodyFraming.Chunked:
                _state = State.ChunkSize;
                break;
            case BodyFraming.ContentLength:
                _remaining = ContentLength!.Value;
                _state = State.Fixed;
                if (_remaining == 0)
                    Complete(handler);
                break;
            default:
                _state = State.CloseDelimited;
                break;
        }
    }

    private BodyFraming DecideFraming(HttpResponseHead head)
    {
        if (_headRequest || head.StatusCode is 204 or 304)
            return BodyFraming.None;

        var codings = head.GetAll("Transfer-Encoding")
            .SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        if (codings.Count > 0)
        {
            var chunked = codings.Count(c => c.Equals("chunked", StringComparison.OrdinalIgnoreCase));
            if (chunked == 1 && codings[^1].Equals("chunked", StringComparison.OrdinalIgnoreCase))
                return BodyFraming.Chunked;
            if (chunked > 0)
                throw Malformed("chunked is not the last transfer coding, or appears twice");
            // Another coding last: the body ends with the connection (RFC 9112 §6.3, rule 4).
            return BodyFraming.CloseDelimited;
        }

        var lengths = head.GetAll("Content-Length").ToList();
        if (lengths.Count == 0)
            return BodyFraming.CloseDelimited;
        if (lengths.Count > 1)
            throw Malformed("more than one Content-Length header");
        var text = lengths[0];
        if (text.Length == 0 || text.Length > 18 || !text.All(char.IsAsciiDigit))
            throw Malformed($"an invalid Content-Length: {Shorten(text)}");
        ContentLength = long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return BodyFraming.ContentLength;
    }

    private static (string Version, int Status, string Reason) ParseStatusLine(string line)
    {
        // HTTP-version SP 3DIGIT [SP reason]; a missing reason phrase is tolerated.
        if (line.Length < 12 || !line.StartsWith("HTTP/", StringComparison.Ordinal)
            || !char.IsAsciiDigit(line[5]) || line[6] != '.' || !char.IsAsciiDigit(line[7]) || line[8] != ' '
            || !char.IsAsciiDigit(line[9]) || !char.IsAsciiDigit(line[10]) || !char.IsAsciiDigit(line[11])
            || (line.Length > 12 && line[12] != ' '))
        {
            throw Malformed($"a malformed status line: {Shorten(line)}");
        }

        if (line[5] != '1')
            throw Malformed($"an unsupported HTTP version: {line[..8]}");
        var status = ((line[9] - '0') * 100) + ((line[10] - '0') * 10) + (line[11] - '0');
        if (status < 100)
            throw Malformed($"an invalid status code: {line[9..12]}");
        return (line[..8], status, line.Length > 13 ? line[13..] : string.Empty);
    }

    private int FeedFixed(ReadOnlySpan<byte> data, IHttpResponseHandler handler)
    {
        var take = (int)Math.Min(_remaining, data.Length);
        _remaining -= take;
        handler.OnBody(data[..take]);
        if (_remaining == 0)
            Complete(handler);
        return take;
    }

    private static int FeedAll(ReadOnlySpan<byte> data, IHttpResponseHandler handler)
    {
        handler.OnBody(data);
        return data.Length;
    }

    private int FeedChunkSize(ReadOnlySpan<byte> data)
    {
        var consumed = ReadLine(data, MaxChunkLineBytes, HttpParseError.MalformedBody, "malformed body: a chunk-size line longer than", out var complete);
        if (!complete)
            return consumed;

        var line = CurrentLine();
        _lineLength = 0;
        _sectionBytes = 0;
        var size = ParseChunkSize(line);
        if (size == 0)
        {
            _state = State.Trailers;
        }
        else
        {
            _remaining = size;
            _state = State.ChunkData;
        }

        return consumed;
    }

    private static long ParseChunkSize(ReadOnlySpan<byte> line)
    {
        long size = 0;
        var i = 0;
        for (; i < line.Length; i++)
        {
            var digit = HexValue(line[i]);
            if (digit < 0)
                break;
            if (size > (long.MaxValue >> 4))
                throw MalformedBody("a chunk size too large to represent");
            size = (size << 4) | (uint)digit;
        }

        if (i == 0)
            throw MalformedBody($"an invalid chunk size line: {Shorten(Latin1(line))}");

        // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ): ignored, but must start right.
        var rest = line[i..].TrimStart(" \t"u8);
        if (rest.Length > 0 && rest[0] != (byte)';')
            throw MalformedBody($"an invalid chunk size line: {Shorten(Latin1(line))}");
        return size;
    }

    private int FeedChunkData(ReadOnlySpan<byte> data, IHttpResponseHandler handler)
    {
        var take = (int)Math.Min(_remaining, data.Length);
        _remaining -= take;
        handler.OnBody(data[..take]);
        if (_remaining == 0)
            _state = State.ChunkDataEnd;
        return take;
    }

    private int FeedChunkDataEnd(ReadOnlySpan<byte> data)
    {
        // Only CRLF (or a bare LF) may follow chunk data; _lineLength 1 means the CR was seen.
        var b = data[0];
        if (b == (byte)'\r' && _lineLength == 0)
        {
            _lineLength = 1;
            return 1;
        }

        if (b != (byte)'\n')
            throw MalformedBody("chunk data longer than its declared size");
        _lineLength = 0;
        _sectionBytes = 0;
        _state = State.ChunkSize;
        return 1;
    }

    private int FeedTrailers(ReadOnlySpan<byte> data, IHttpResponseHandler handler)
    {
        var consumed = ReadLine(data, _maxHeadBytes, HttpParseError.MalformedBody, "malformed body: a trailer section larger than", out var complete);
        if (!complete)
            return consumed;

        var line = CurrentLine();
        _lineLength = 0;
        if (line.Length == 0)
        {
            Complete(handler);
            return consumed;
        }

        // Trailer fields are read and dropped: nothing here needs them.
        if (line[0] is not ((byte)' ' or (byte)'\t') && line.IndexOf((byte)':') <= 0)
            throw MalformedBody($"an invalid trailer line: {Shorten(Latin1(line))}");
        return consumed;
    }

    private void Complete(IHttpResponseHandler handler)
    {
        _state = State.Complete;
        handler.OnComplete();
    }

    /// <summary>
    /// Appends bytes up to and including the next LF to the line buffer. The section (a head, the
    /// trailers, one chunk-size line) may hold at most <paramref name="limit"/> bytes in all.
    /// </summary>
    /// <remarks>The overflow message is <paramref name="tooLong"/> and the limit: it names the section that never ended.</remarks>
    private int ReadLine(ReadOnlySpan<byte> data, int limit, HttpParseError overflow, string tooLong, out bool complete)
    {
        var end = data.IndexOf((byte)'\n');
        complete = end >= 0;
        var take = complete ? end + 1 : data.Length;
        if ((long)_sectionBytes + take > limit)
            throw new HttpParseException(overflow, string.Create(CultureInfo.InvariantCulture, $"{tooLong} {limit} bytes"));

        _sectionBytes += take;
        if (_lineLength + take > _line.Length)
            Array.Resize(ref _line, Math.Max(_line.Length * 2, _lineLength + take));
        data[..take].CopyTo(_line.AsSpan(_lineLength));
        _lineLength += take;
        return take;
    }

    /// <summary>The completed line without its LF or CRLF (a bare LF is tolerated).</summary>
    private ReadOnlySpan<byte> CurrentLine()
    {
        var line = _line.AsSpan(0, _lineLength);
        if (line.Length > 0 && line[^1] == (byte)'\n')
            line = line[..^1];
        if (line.Length > 0 && line[^1] == (byte)'\r')
            line = line[..^1];
        return line;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static bool IsTokenChar(byte b) =>
        b is > 0x20 and < 0x7F && "\"(),/:;<=>?@[\\]{}"u8.IndexOf(b) < 0;

    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";

    private static HttpParseException Malformed(string what) =>
        new(HttpParseError.MalformedHead, $"malformed response head: {what}");

    private static HttpParseException MalformedBody(string what) =>
        new(HttpParseError.MalformedBody, $"malformed body: {what}");
}
