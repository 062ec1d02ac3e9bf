using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Actors.Http;

/// <summary>
/// Fetches one URL over Akka.IO TCP and saves the body. Reads in pull mode and asks for the
/// next read only while the file writer keeps up, so memory stays at two buffers for a body of
/// any size. The body goes to a temporary file that is renamed on success and removed on any
/// failure. The actor only moves bytes between the socket, the parser and the file: a TLS stage
/// could sit between Akka.IO and this actor without the parser knowing.
/// </summary>
public sealed class HttpFetchActor : UntypedActor, IWithTimers
{
    private static readonly object ConnectTimerKey = new();
    private static readonly object IdleTimerKey = new();

    // Akka.IO's own connect timeout is only a backstop: ours fires first and names the failure.
    private static readonly TimeSpan ConnectBackstop = TimeSpan.FromSeconds(1);

    private readonly FetchSettings _settings;
    private readonly string _userAgent;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private FetchPage _page = null!;
    private IActorRef _replyTo = ActorRefs.Nobody;
    private Exchange? _exchange;

    private readonly IActorRef? _tcp;

    public HttpFetchActor(FetchSettings settings, IActorRef? tcpManager)
    {
        _settings = settings;
        _tcp = tcpManager;
        _userAgent = UserAgent;
    }

    public static string UserAgent { get; } = "akkasockets/" + Version();

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(FetchSettings settings) => Props(settings, tcpManager: null);

    /// <summary>Specs pass a probe as the Akka.IO TCP manager to watch the read discipline.</summary>
    internal static Props Props(FetchSettings settings, IActorRef? tcpManager) =>
        Akka.Actor.Props.Create(() => new HttpFetchActor(settings, tcpManager));

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case FetchPage page:
                _page = page;
                _replyTo = Sender;
                Resolve(page.Url, redirects: 0);
                break;
            case CancelFetch:
                Sender.Tell(new FetchFailed(FetchFailure.Cancelled, "interrupted"));
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Resolve(HttpUrl url, int redirects)
    {
        if (IPAddress.TryParse(url.Host, out var literal))
        {
            Connect(new Attempt(url, redirects, [new IPEndPoint(literal, url.Port)], 0));
            return;
        }

        Timers.StartSingleTimer(ConnectTimerKey, new ConnectTimedOut(null), _settings.ConnectTimeout);
        System.Net.Dns.GetHostAddressesAsync(url.Host).PipeTo(
            Self,
            success: addresses => new HostResolved(url, redirects, addresses),
            failure: e => new HostNotResolved(url, e is SocketException s ? s.Message : e.GetBaseException().Message));
        Become(Resolving);
    }

    private void Resolving(object message)
    {
        switch (message)
        {
            case HostResolved { Addresses.Length: 0 } resolved:
                Fail(FetchFailure.DnsFailed, $"Cannot resolve host {resolved.Url.Host}: no addresses");
                break;
            case HostResolved resolved:
                var endPoints = resolved.Addresses.Select(a => new IPEndPoint(a, resolved.Url.Port)).ToArray();
                Connect(new Attempt(resolved.Url, resolved.Redirects, endPoints, 0));
                break;
            case HostNotResolved failed:
                Fail(FetchFailure.DnsFailed, $"Cannot resolve host {failed.Url.Host}: {failed.Reason}");
                break;
            case ConnectTimedOut:
                Fail(FetchFailure.ConnectTimeout, $"Timed out resolving {_page.Url.Host} after {Format(_settings.ConnectTimeout)}");
                break;
            default:
                Common(message);
                break;
        }
    }

    private void Connect(Attempt attempt)
    {
        var remote = attempt.Current;
        _log.Debug("Connecting to {0}", remote);
        (_tcp ?? Context.System.Tcp()).Tell(new Tcp.Connect(remote, null, null, _settings.ConnectTimeout + ConnectBackstop, pullMode: true));
        Timers.StartSingleTimer(ConnectTimerKey, new ConnectTimedOut(remote), _settings.ConnectTimeout);
        Become(m => Connecting(m, attempt));
    }

    private void Connecting(object message, Attempt attempt)
    {
        switch (message)
        {
            case Tcp.Connected:
                Timers.Cancel(ConnectTimerKey);
                Connected(Sender, attempt);
                break;
            case Tcp.CommandFailed { Cmd: Tcp.Connect connect } failed when Equals(connect.RemoteAddress, attempt.Current):
                // Our own timer reports timeouts, so a failed connect here was refused or unreachable.
                var cause = "connection refused";
                if (attempt.HasNext)
                    Connect(attempt.Next());
                else
                    Fail(FetchFailure.ConnectionRefused, $"Cannot connect to {Describe(attempt)}: {cause}");
                break;
            case ConnectTimedOut timedOut when Equals(timedOut.Remote, attempt.Current):
                if (attempt.HasNext)
                    Connect(attempt.Next());
                else
                    Fail(FetchFailure.ConnectTimeout, $"Timed out connecting to {Describe(attempt)} after {Format(_settings.ConnectTimeout)}");
                break;
            default:
                Common(message);
                break;
        }
    }

    private void Connected(IActorRef connection, Attempt attempt)
    {
        var sink = new ResponseSink(this);
        var exchange = new Exchange(attempt.Url, attempt.Redirects, connection, new HttpResponseParser(maxHeadBytes: _settings.MaxHeadBytes), sink);
        _exchange = exchange;
        // Register first: anything sent before it is only buffered by Akka.IO.
        connection.Tell(new Tcp.Register(Self, keepOpenOnPeerClosed: false, useResumeWriting: false));
        connection.Tell(Tcp.Write.Create(ByteString.FromBytes(HttpRequestWriter.Get(attempt.Url, _userAgent))));
        ResumeReading(exchange);
        Become(m => Receiving(m, exchange));
    }

    private void Receiving(object message, Exchange exchange)
    {
        switch (message)
        {
            case Tcp.Received received when Sender.Equals(exchange.Connection):
                OnReceived(exchange, received.Data);
                break;
            case Tcp.ConnectionClosed closed when Sender.Equals(exchange.Connection):
                OnConnectionClosed(exchange, closed);
                break;
            case IdleTimedOut:
                Fail(FetchFailure.IdleTimeout, $"No data from {exchange.Url.HostHeader} for {Format(_settings.IdleTimeout)}");
                break;
            case FileWritten:
                OnFileWritten(exchange);
                break;
            case FileWriteFailed failed:
                Fail(FetchFailure.FileError, $"Cannot write {exchange.File?.FinalPath}: {failed.Reason}");
                break;
            default:
                Common(message);
                break;
        }
    }

    private void OnReceived(Exchange exchange, ByteString data)
    {
        exchange.ReadPending = false;
        try
        {
            // Bytes past the end of the response are not part of it and are dropped.
            if (!exchange.Parser.IsComplete)
                exchange.Parser.Feed(data.ToReadOnlySpan(), exchange.Sink);
        }
        catch (HttpParseException e)
        {
            // A redirect (or --fail) decided by the head does not care about a broken body after it.
            if (exchange.Outcome is null)
                Fail(ToFailure(e.Error), e.Message);
            else
                AfterParse(exchange);
            return;
        }

        if (!AfterParse(exchange))
            return;

        if (exchange.Parser.IsComplete)
        {
            Timers.Cancel(IdleTimerKey);
            // The response is complete even if the server keeps the socket open.
            exchange.Connection.Tell(Tcp.Close.Instance);
            exchange.ConnectionDone = true;
            CommitIfFlushed(exchange);
        }
        else if (exchange.File is null || exchange.File.Buffered < _settings.WriteBufferBytes)
        {
            ResumeReading(exchange);
        }
        else
        {
            // The disk is behind: stop reading (TCP pushes back on the server) until a write completes.
            Timers.Cancel(IdleTimerKey);
        }
    }

    /// <summary>Acts on what the parser reported; false when the exchange ended (redirect, failure).</summary>
    private bool AfterParse(Exchange exchange)
    {
        switch (exchange.Outcome)
        {
            case FetchFailed failed:
                Fail(failed.Failure, failed.Reason);
                return false;
            case HttpUrl location:
                FollowRedirect(exchange, location);
                return false;
        }

        StartWrite(exchange);
        return true;
    }

    private void OnConnectionClosed(Exchange exchange, Tcp.ConnectionClosed closed)
    {
        exchange.ConnectionDone = true;
        if (exchange.Parser.IsComplete)
            return;

        if (closed.IsErrorClosed || closed.IsAborted)
        {
            Fail(FetchFailure.ConnectionLost, $"Connection to {exchange.Url.HostHeader} lost: {closed.Cause ?? "reset"}");
            return;
        }

        try
        {
            exchange.Parser.Finish(exchange.Sink);
        }
        catch (HttpParseException e)
        {
            Fail(ToFailure(e.Error), e.Message);
            return;
        }

        if (!AfterParse(exchange))
            return;
        Timers.Cancel(IdleTimerKey);
        CommitIfFlushed(exchange);
    }

    private void OnFileWritten(Exchange exchange)
    {
        var file = exchange.File!;
        file.WriteCompleted();
        _replyTo.Tell(new FetchProgressed(file.BytesWritten, exchange.Parser.ContentLength));
        StartWrite(exchange);
        if (exchange.Parser.IsComplete)
        {
            CommitIfFlushed(exchange);
            return;
        }

        if (!exchange.ReadPending && !exchange.ConnectionDone && file.Buffered < _settings.WriteBufferBytes)
            ResumeReading(exchange);
    }

    private void StartWrite(Exchange exchange)
    {
        exchange.File?.StartWrite()?.PipeTo(
            Self,
            success: () => FileWritten.Instance,
            failure: e => new FileWriteFailed(e.GetBaseException().Message));
    }

    private void ResumeReading(Exchange exchange)
    {
        exchange.ReadPending = true;
        exchange.Connection.Tell(Tcp.ResumeReading.Instance);
        Timers.StartSingleTimer(IdleTimerKey, IdleTimedOut.Instance, _settings.IdleTimeout);
    }

    private void CommitIfFlushed(Exchange exchange)
    {
        var file = exchange.File;
        if (file is null)
        {
            // A final response without a body file cannot happen: OnHead made one or ended the exchange.
            Fail(FetchFailure.FileError, "no body file was created");
            return;
        }

        if (file.WriteInFlight || file.Buffered > 0)
            return;

        try
        {
            file.Commit();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(FetchFailure.FileError, $"Cannot save {file.FinalPath}: {e.Message}");
            return;
        }

        _exchange = null;
        _replyTo.Tell(new PageSaved(exchange.Url, file.FinalPath, file.BytesWritten, exchange.Parser.Head!.StatusCode));
        Context.Stop(Self);
    }

    private void FollowRedirect(Exchange exchange, HttpUrl location)
    {
        Timers.Cancel(IdleTimerKey);
        exchange.Connection.Tell(Tcp.Abort.Instance);
        _exchange = null;
        var redirects = exchange.Redirects + 1;
        if (redirects > _settings.MaxRedirects)
        {
            Fail(FetchFailure.TooManyRedirects, string.Create(CultureInfo.InvariantCulture, $"Too many redirects (more than {_settings.MaxRedirects})"));
            return;
        }

        Resolve(location, redirects);
    }

    /// <summary>The parser found a final head: decide whether to follow, fail or save.</summary>
    private object? OnHead(Exchange exchange, HttpResponseHead head)
    {
        _replyTo.Tell(new ResponseHeadReceived(exchange.Url, head));
        if (head.IsRedirect && head.Get("Location") is { Length: > 0 } location)
        {
            try
            {
                return exchange.Url.Resolve(location);
            }
            catch (HttpUrlException e)
            {
                return e.Error == HttpUrlError.HttpsUnsupported
                    ? new FetchFailed(FetchFailure.HttpsUnsupported, $"Redirected to an https:// URL; {e.Message}")
                    : new FetchFailed(FetchFailure.BadRedirect, e.Message);
            }
        }

        if (_page.FailOnHttpError && head.StatusCode >= 400)
            return new FetchFailed(FetchFailure.HttpError, $"HTTP error: {head.StatusLine}");

        try
        {
            exchange.File = BodyFile.Create(_page.TargetPath, _settings.WriteBufferBytes);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return new FetchFailed(FetchFailure.FileError, $"Cannot create a file next to {_page.TargetPath}: {e.Message}");
        }
    }

    /// <summary>Messages every state handles the same way.</summary>
    private void Common(object message)
    {
        switch (message)
        {
            case CancelFetch:
                Fail(FetchFailure.Cancelled, "interrupted");
                break;
            case Tcp.Connected:
                // A connect that lost the race with its timeout: not ours any more.
                Sender.Tell(Tcp.Abort.Instance);
                break;
            default:
                // Late reads, closes and timers of connections already given up.
                break;
        }
    }

    private void Fail(FetchFailure failure, string reason)
    {
        _log.Debug("Fetch failed ({0}): {1}", failure, reason);
        Timers.CancelAll();
        var exchange = _exchange;
        _exchange = null;
        if (exchange is not null && !exchange.ConnectionDone)
            exchange.Connection.Tell(Tcp.Abort.Instance);

        var result = new FetchFailed(failure, reason);
        if (exchange?.File is { WriteInFlight: true } file)
        {
            // The file cannot be closed under a running write: remove it once the write returns.
            Become(m => DiscardingAfterWrite(m, file, result));
            return;
        }

        exchange?.File?.Discard();
        _replyTo.Tell(result);
        Context.Stop(Self);
    }

    private void DiscardingAfterWrite(object message, BodyFile file, FetchFailed result)
    {
        if (message is not (FileWritten or FileWriteFailed))
            return;
        file.Discard();
        _replyTo.Tell(result);
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        // Only an unexpected crash gets here with an exchange: still leave no half file.
        _exchange?.File?.Discard();
        if (_exchange is { ConnectionDone: false } exchange)
            exchange.Connection.Tell(Tcp.Abort.Instance);
    }

    private static FetchFailure ToFailure(HttpParseError error) => error switch
    {
        HttpParseError.HeadTooLarge => FetchFailure.HeadTooLarge,
        HttpParseError.MalformedBody => FetchFailure.MalformedBody,
        HttpParseError.TruncatedBody => FetchFailure.TruncatedBody,
        _ => FetchFailure.MalformedHead,
    };

    private static string Describe(Attempt attempt) =>
        attempt.Addresses.Count == 1
            ? Transport.EndPoints.Format(attempt.Current)
            : $"{attempt.Url.HostHeader} ({string.Join(", ", attempt.Addresses.Select(a => Transport.EndPoints.Format(a)))})";

    private static string Format(TimeSpan value) => Configuration.Units.Format(value);

    private static string Version()
    {
        var version = typeof(HttpFetchActor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(HttpFetchActor).Assembly.GetName().Version?.ToString() ?? "0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }

    private sealed record Attempt(HttpUrl Url, int Redirects, IReadOnlyList<IPEndPoint> Addresses, int Index)
    {
        public IPEndPoint Current => Addresses[Index];

        public bool HasNext => Index + 1 < Addresses.Count;

        public Attempt Next() => this with { Index = Index + 1 };
    }

    /// <summary>One request and its response on one connection.</summary>
    private sealed class Exchange
    {
        public Exchange(HttpUrl url, int redirects, IActorRef connection, HttpResponseParser parser, ResponseSink sink)
        {
            Url = url;
            Redirects = redirects;
            Connection = connection;
            Parser = parser;
            Sink = sink;
            sink.Exchange = this;
        }

        public HttpUrl Url { get; }

        public int Redirects { get; }

        public IActorRef Connection { get; }

        public HttpResponseParser Parser { get; }

        public ResponseSink Sink { get; }

        public BodyFile? File { get; set; }

        /// <summary>Set when the head says what comes instead of a saved body: a redirect or a failure.</summary>
        public object? Outcome { get; set; }

        public bool ReadPending { get; set; }

        public bool ConnectionDone { get; set; }
    }

    /// <summary>Routes what the parser finds into the exchange, inside the actor's own message handling.</summary>
    private sealed class ResponseSink : IHttpResponseHandler
    {
        private readonly HttpFetchActor _actor;

        public ResponseSink(HttpFetchActor actor) => _actor = actor;

        public Exchange Exchange { get; set; } = null!;

        public void OnHead(HttpResponseHead head) => Exchange.Outcome = _actor.OnHead(Exchange, head);

        public void OnBody(ReadOnlySpan<byte> bytes)
        {
            if (Exchange.Outcome is null)
                Exchange.File?.Append(bytes);
        }

        public void OnComplete()
        {
        }
    }

    private sealed record HostResolved(HttpUrl Url, int Redirects, IPAddress[] Addresses);

    private sealed record HostNotResolved(HttpUrl Url, string Reason);

    private sealed record ConnectTimedOut(IPEndPoint? Remote);

    private sealed record IdleTimedOut
    {
        public static readonly IdleTimedOut Instance = new();
    }

    private sealed record FileWritten
    {
        public static readonly FileWritten Instance = new();
    }

    private sealed record FileWriteFailed(string Reason);
}
