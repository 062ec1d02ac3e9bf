using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.IO;
using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Actors.Http;

/// <summary>
/// Fetches one URL, following redirects, and saves the body. The actor owns the lifecycle:
/// resolve, connect (each address in turn), the TLS handshake for https://, the request, the
/// timeouts, the redirect decisions and the target file. The bytes of each response run through
/// one Akka.Streams graph: <see cref="ConnectionSource"/> (plain or TLS) -> <see cref="HttpResponseFraming"/>
/// -> the target's sink (a file, or standard output), backpressured end to end. The graph is
/// pre-materialized so the head can be looked at before the body's sink is chosen; the actor then
/// waits on the sink's result before it renames the file, and sees progress, never body bytes.
/// </summary>
public sealed class HttpFetchActor : UntypedActor, IWithTimers
{
    // Arrays of read-bytes each that a connection is read into and that the body's sink hands
    // back: enough for every element the stream can hold at once (a read in progress, one per
    // asynchronous boundary, the one being written), so the reader does not run out.
    private const int ReadArrays = 8;

    // The body's bytes allocate nothing (the ring above), but each element still costs about 2 KB
    // of messages and tasks: young garbage that the server GC this executable runs (chosen for
    // the server) lets grow by tens of MiB before its first collection; a 1 GiB fetch ends without
    // one. A gen1 collection every this many bytes of body (gen0 alone leaves what it promotes to
    // pile up in gen1), with a few MB alive, holds the heap near 5 MB for a body of any size, at
    // no measurable cost in time (docs/performance.md, "Fetch").
    private const long CollectEveryBytes = 16 * 1024 * 1024;

    private static readonly object ConnectTimerKey = new();
    private static readonly object IdleTimerKey = new();

    private readonly FetchSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IMaterializer _materializer = Context.Materializer();

    private FetchPage _page = null!;
    private IActorRef _replyTo = ActorRefs.Nobody;
    private Exchange? _exchange;
    private int _generation;

    public HttpFetchActor(FetchSettings settings) => _settings = settings;

    public static string UserAgent { get; } = "akkasockets/" + Version();

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(FetchSettings settings) => Akka.Actor.Props.Create(() => new HttpFetchActor(settings));

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

        var generation = ++_generation;
        Timers.StartSingleTimer(ConnectTimerKey, new ConnectTimedOut(generation), _settings.ConnectTimeout);
        System.Net.Dns.GetHostAddressesAsync(url.Host).PipeTo(
            Self,
            success: addresses => new HostResolved(generation, url, redirects, addresses),
            failure: e => new Failed(generation, FetchFailure.DnsFailed, $"Cannot resolve host {url.Host}: {(e is SocketException s ? s.Message : e.GetBaseException().Message)}"));
        Become(m => Resolving(m, generation));
    }

    private void Resolving(object message, int generation)
    {
        switch (message)
        {
            case HostResolved resolved when resolved.Generation == generation:
                Timers.Cancel(ConnectTimerKey);
                if (resolved.Addresses.Length == 0)
                    Fail(FetchFailure.DnsFailed, $"Cannot resolve host {resolved.Url.Host}: no addresses");
                else
                    Connect(new Attempt(resolved.Url, resolved.Redirects, resolved.Addresses.Select(a => new IPEndPoint(a, resolved.Url.Port)).ToArray(), 0));
                break;
            case Failed failed when failed.Generation == generation:
                Fail(failed.Failure, failed.Reason);
                break;
            case ConnectTimedOut timedOut when timedOut.Generation == generation:
                Fail(FetchFailure.ConnectTimeout, $"Timed out resolving {_page.Url.Host} after {Format(_settings.ConnectTimeout)}");
                break;
            default:
                Common(message, generation);
                break;
        }
    }

    private void Connect(Attempt attempt)
    {
        var remote = attempt.Current;
        _log.Debug("Connecting to {0}", remote);
        var exchange = new Exchange(++_generation, attempt, new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
        {
            Buffers = new ReadBufferRing(ReadArrays, _settings.ReadBytes),
        };
        _exchange = exchange;
        var generation = exchange.Generation;
        exchange.Socket.ConnectAsync(remote).PipeTo(
            Self,
            success: () => new Step(generation, Stage.Connected),
            failure: e => new Failed(generation, FetchFailure.ConnectionRefused, e.GetBaseException().Message));
        Timers.StartSingleTimer(ConnectTimerKey, new ConnectTimedOut(generation), _settings.ConnectTimeout);
        Become(m => Connecting(m, exchange));
    }

    private void Connecting(object message, Exchange exchange)
    {
        switch (message)
        {
            case Step { Stage: Stage.Connected } step when step.Generation == exchange.Generation:
                Timers.Cancel(ConnectTimerKey);
                var connection = new NetworkStream(exchange.Socket, ownsSocket: true);
                if (exchange.Url.IsHttps)
                    Handshake(exchange, connection);
                else
                    SendRequest(exchange, connection);
                break;
            case Failed failed when failed.Generation == exchange.Generation:
                // Our own timer reports timeouts, so a failed connect here was refused or unreachable.
                NextAddressOr(exchange, FetchFailure.ConnectionRefused, $"Cannot connect to {Describe(exchange.Attempt)}: connection refused");
                break;
            case ConnectTimedOut timedOut when timedOut.Generation == exchange.Generation:
                NextAddressOr(exchange, FetchFailure.ConnectTimeout, $"Timed out connecting to {Describe(exchange.Attempt)} after {Format(_settings.ConnectTimeout)}");
                break;
            default:
                Common(message, exchange.Generation);
                break;
        }
    }

    private void NextAddressOr(Exchange exchange, FetchFailure failure, string reason)
    {
        exchange.Close();
        if (exchange.Attempt.HasNext)
            Connect(exchange.Attempt.Next());
        else
            Fail(failure, reason);
    }

    private void Handshake(Exchange exchange, Stream connection)
    {
        var generation = exchange.Generation;
        exchange.Stream = connection;
        TlsClient.AuthenticateAsync(connection, exchange.Url, _page.Trust, CancellationToken.None).PipeTo(
            Self,
            success: tls => new Secured(generation, tls),
            failure: e => e is TlsFailedException tls
                ? new Failed(generation, tls.Failure, tls.Message)
                : new Failed(generation, FetchFailure.TlsHandshakeFailed, $"TLS handshake with {exchange.Url.HostHeader} failed: {e.GetBaseException().Message}"));
        StartIdleTimer($"TLS handshake with {exchange.Url.HostHeader} timed out after {Format(_settings.IdleTimeout)}");
        Become(m => Waiting(m, exchange));
    }

    private void SendRequest(Exchange exchange, Stream connection)
    {
        var generation = exchange.Generation;
        exchange.Stream = connection;
        connection.WriteAsync(HttpRequestWriter.Get(exchange.Url, UserAgent)).AsTask().PipeTo(
            Self,
            success: () => new Step(generation, Stage.RequestSent),
            failure: e => new Failed(generation, FetchFailure.ConnectionLost, $"Connection to {exchange.Url.HostHeader} lost: {e.GetBaseException().Message}"));
        StartIdleTimer(NoDataFrom(exchange));
        Become(m => Waiting(m, exchange));
    }

    /// <summary>Runs the response's bytes into the framing stage and waits for the head.</summary>
    private void ReadResponse(Exchange exchange)
    {
        var generation = exchange.Generation;
        var ((kill, head), body) = ConnectionSource.From(exchange.Stream!, exchange.Buffers)
            .ViaMaterialized(KillSwitches.Single<ByteString>(), Keep.Right)
            .ViaMaterialized(new HttpResponseFraming(_settings.MaxHeadBytes), Keep.Both)
            .PreMaterialize(_materializer);
        exchange.Kill = kill;
        exchange.Body = body;
        head.PipeTo(Self, success: h => new HeadParsed(generation, h), failure: e => Failure(generation, exchange, e, fromSink: false));
    }

    /// <summary>Every phase after the connect: handshake, request, head, body.</summary>
    private void Waiting(object message, Exchange exchange)
    {
        switch (message)
        {
            case Secured secured when secured.Generation == exchange.Generation:
                SendRequest(exchange, secured.Tls);
                break;
            case Step { Stage: Stage.RequestSent } step when step.Generation == exchange.Generation:
                ReadResponse(exchange);
                break;
            case HeadParsed parsed when parsed.Generation == exchange.Generation:
                OnHead(exchange, parsed.Head);
                break;
            case BodyProgress progress when progress.Generation == exchange.Generation:
                StartIdleTimer(NoDataFrom(exchange));
                CollectYoungGarbage(exchange, progress.Bytes);
                _replyTo.Tell(new FetchProgressed(progress.Bytes, exchange.Head?.Get("Content-Length") is null ? null : exchange.ContentLength));
                break;
            case BodyWritten written when written.Generation == exchange.Generation:
                exchange.SinkDone = true;
                OnBodyWritten(exchange, written.Result);
                break;
            case Failed failed when failed.Generation == exchange.Generation:
                // Once a sink runs, only its result reports failures: the sink is done.
                exchange.SinkDone = exchange.Target is not null;
                Fail(failed.Failure, failed.Reason);
                break;
            case IdleTimedOut timedOut when timedOut.Generation == exchange.Generation:
                Fail(FetchFailure.IdleTimeout, timedOut.Reason);
                break;
            default:
                Common(message, exchange.Generation);
                break;
        }
    }

    private void OnHead(Exchange exchange, HttpResponseHead head)
    {
        exchange.Head = head;
        _replyTo.Tell(new ResponseHeadReceived(exchange.Url, head));
        if (head.IsRedirect && head.Get("Location") is { Length: > 0 } location)
        {
            HttpUrl next;
            try
            {
                next = exchange.Url.Resolve(location);
            }
            catch (HttpUrlException e)
            {
                Fail(FetchFailure.BadRedirect, e.Message);
                return;
            }

            FollowRedirect(exchange, next);
            return;
        }

        if (_page.FailOnHttpError && head.StatusCode >= 400)
        {
            Fail(FetchFailure.HttpError, $"HTTP error: {head.StatusLine}");
            return;
        }

        try
        {
            exchange.Target = BodyTarget.For(_page);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            Fail(FetchFailure.FileError, $"Cannot write {_page.TargetPath}: {e.Message}");
            return;
        }

        var generation = exchange.Generation;
        var self = Self;
        var received = 0L;
        var counted = Flow.Create<ByteString>().Select(bytes =>
        {
            received += bytes.Count;
            self.Tell(new BodyProgress(generation, received));
            return bytes;
        });
        exchange.Body!.Via(counted).RunWith(exchange.Target.Sink(exchange.Buffers), _materializer).PipeTo(
            Self,
            success: result => new BodyWritten(generation, result),
            failure: e => Failure(generation, exchange, e, fromSink: true));
    }

    private static void CollectYoungGarbage(Exchange exchange, long received)
    {
        var step = received / CollectEveryBytes;
        if (step == exchange.CollectedAtStep)
            return;
        exchange.CollectedAtStep = step;
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
    }

    private void OnBodyWritten(Exchange exchange, IOResult result)
    {
        var target = exchange.Target!;
        if (!result.WasSuccessful)
        {
            Fail(FetchFailure.FileError, $"Cannot write {target.Path}: {result.Error.GetBaseException().Message}");
            return;
        }

        Timers.CancelAll();
        exchange.Close();
        try
        {
            target.Commit();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(FetchFailure.FileError, $"Cannot save {target.Path}: {e.Message}");
            return;
        }

        exchange.Target = null;
        _exchange = null;
        _replyTo.Tell(new PageSaved(exchange.Url, target.Path, result.Count, exchange.Head!.StatusCode));
        Context.Stop(Self);
    }

    private void FollowRedirect(Exchange exchange, HttpUrl location)
    {
        Timers.Cancel(IdleTimerKey);
        Release(exchange);
        _exchange = null;
        var redirects = exchange.Attempt.Redirects + 1;
        if (redirects > _settings.MaxRedirects)
        {
            Fail(FetchFailure.TooManyRedirects, string.Create(CultureInfo.InvariantCulture, $"Too many redirects (more than {_settings.MaxRedirects})"));
            return;
        }

        Resolve(location, redirects);
    }

    /// <summary>Messages every state handles the same way.</summary>
    private void Common(object message, int generation)
    {
        switch (message)
        {
            case CancelFetch:
                Fail(FetchFailure.Cancelled, "interrupted");
                break;
            case Secured late when late.Generation != generation:
                late.Tls.Dispose();
                break;
            default:
                // Late answers and timers of connections already given up.
                break;
        }
    }

    /// <summary>
    /// Ends the fetch. A body sink that is running is stopped first and its result awaited, so the
    /// temporary file is closed before it is removed.
    /// </summary>
    private void Fail(FetchFailure failure, string reason)
    {
        _log.Debug("Fetch failed ({0}): {1}", failure, reason);
        Timers.CancelAll();
        var exchange = _exchange;
        var result = new FetchFailed(failure, reason);
        if (exchange is { Target: not null, SinkDone: false })
        {
            exchange.Kill?.Abort(new FetchAbortedException(failure, reason));
            exchange.Close();
            Become(m => DiscardingAfterSink(m, exchange, result));
            return;
        }

        _exchange = null;
        if (exchange is not null)
        {
            Release(exchange);
            exchange.Target?.Discard();
        }

        _replyTo.Tell(result);
        Context.Stop(Self);
    }

    private void DiscardingAfterSink(object message, Exchange exchange, FetchFailed result)
    {
        if (message is not (BodyWritten or Failed) || ((IGenerational)message).Generation != exchange.Generation)
            return;
        exchange.SinkDone = true;
        exchange.Target?.Discard();
        _exchange = null;
        _replyTo.Tell(result);
        Context.Stop(Self);
    }

    /// <summary>Drops the connection of an exchange whose body no sink took, and ends that body's graph.</summary>
    private void Release(Exchange exchange)
    {
        exchange.Close();
        if (exchange.Target is null)
            exchange.Body?.RunWith(Sink.Cancelled<ByteString>(), _materializer);
    }

    protected override void PostStop()
    {
        // Only a crash gets here with an exchange: still leave no connection and no half file.
        _exchange?.Close();
        _exchange?.Target?.Discard();
    }

    private void StartIdleTimer(string reason) =>
        Timers.StartSingleTimer(IdleTimerKey, new IdleTimedOut(_exchange?.Generation ?? 0, reason), _settings.IdleTimeout);

    private string NoDataFrom(Exchange exchange) => $"No data from {exchange.Url.HostHeader} for {Format(_settings.IdleTimeout)}";

    /// <summary>
    /// Names a failure of the stream in the fetch's own terms. A sink reports a failure upstream of
    /// it as <see cref="AbruptIOTerminationException"/> with the cause inside; anything else a
    /// sink throws is its own (the file could not be created or written).
    /// </summary>
    private static Failed Failure(int generation, Exchange exchange, Exception e, bool fromSink)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } single)
            e = single.InnerExceptions[0];
        if (e is AbruptIOTerminationException { InnerException: { } upstream })
            return Failure(generation, exchange, upstream, fromSink: false);
        return e switch
        {
            FetchAbortedException aborted => new Failed(generation, aborted.Failure, aborted.Message),
            HttpParseException parse => new Failed(generation, ToFailure(parse.Error), parse.Message),
            _ when fromSink => new Failed(generation, FetchFailure.FileError, $"Cannot write {exchange.Target?.Path}: {e.GetBaseException().Message}"),
            _ => new Failed(generation, FetchFailure.ConnectionLost, $"Connection to {exchange.Url.HostHeader} lost: {e.GetBaseException().Message}"),
        };
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

    /// <summary>One connection, its request and its response.</summary>
    private sealed class Exchange(int generation, Attempt attempt, Socket socket)
    {
        public int Generation { get; } = generation;

        public Attempt Attempt { get; } = attempt;

        public HttpUrl Url => Attempt.Url;

        public Socket Socket { get; } = socket;

        /// <summary>The connection once connected: the socket's stream, or TLS over it.</summary>
        public Stream? Stream { get; set; }

        /// <summary>The arrays this exchange's connection is read into, reused as the body is written.</summary>
        public required ReadBufferRing Buffers { get; init; }

        public UniqueKillSwitch? Kill { get; set; }

        public Source<ByteString, NotUsed>? Body { get; set; }

        public HttpResponseHead? Head { get; set; }

        public long? ContentLength => long.TryParse(Head?.Get("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : null;

        public BodyTarget? Target { get; set; }

        public bool SinkDone { get; set; }

        /// <summary>How many times <see cref="CollectEveryBytes"/> the body had reached at the last collection.</summary>
        public long CollectedAtStep { get; set; }

        /// <summary>Drops the connection; a read or handshake still pending on it fails at once.</summary>
        public void Close()
        {
            Kill?.Shutdown();
            Socket.Dispose();
        }
    }

    private interface IGenerational
    {
        int Generation { get; }
    }

    private enum Stage
    {
        Connected,
        RequestSent,
    }

    private sealed record Step(int Generation, Stage Stage) : IGenerational;

    private sealed record Failed(int Generation, FetchFailure Failure, string Reason) : IGenerational;

    private sealed record HostResolved(int Generation, HttpUrl Url, int Redirects, IPAddress[] Addresses) : IGenerational;

    private sealed record ConnectTimedOut(int Generation) : IGenerational;

    private sealed record IdleTimedOut(int Generation, string Reason) : IGenerational;

    private sealed record Secured(int Generation, Stream Tls) : IGenerational;

    private sealed record HeadParsed(int Generation, HttpResponseHead Head) : IGenerational;

    private sealed record BodyProgress(int Generation, long Bytes) : IGenerational;

    private sealed record BodyWritten(int Generation, IOResult Result) : IGenerational;

    /// <summary>The actor stopped a running body (timeout, cancel): the sink fails with this as its cause.</summary>
    private sealed class FetchAbortedException(FetchFailure failure, string message) : Exception(message)
    {
        public FetchFailure Failure { get; } = failure;
    }
}
