using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;
using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Actors.Http;

/// <summary>
/// HTTP/1.1 response framing as a stream stage, on <see cref="HttpResponseParser"/>: connection
/// bytes in, decoded body bytes out (chunked, Content-Length or to close; trailers dropped). The
/// head is the materialized value. The stage reads ahead only until the head is complete; after
/// that it reads only when downstream asks, so the sink's speed sets the pace of the socket reads.
/// It completes when the body does (cancelling the connection even if the server keeps it open)
/// and fails with <see cref="HttpParseException"/> on a broken or cut-short response.
/// Body bytes are slices of the connection's buffers, never copies.
/// </summary>
public sealed class HttpResponseFraming : GraphStageWithMaterializedValue<FlowShape<ByteString, ByteString>, Task<HttpResponseHead>>
{
    private readonly int _maxHeadBytes;

    public HttpResponseFraming(int maxHeadBytes = HttpResponseParser.DefaultMaxHeadBytes)
    {
        _maxHeadBytes = maxHeadBytes;
        Shape = new FlowShape<ByteString, ByteString>(In, Out);
    }

    public Inlet<ByteString> In { get; } = new("http-framing.in");

    public Outlet<ByteString> Out { get; } = new("http-framing.out");

    public override FlowShape<ByteString, ByteString> Shape { get; }

    public override ILogicAndMaterializedValue<Task<HttpResponseHead>> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var head = new TaskCompletionSource<HttpResponseHead>(TaskCreationOptions.RunContinuationsAsynchronously);
        return new LogicAndMaterializedValue<Task<HttpResponseHead>>(new Logic(this, head), head.Task);
    }

    private sealed class Logic : InAndOutGraphStageLogic, IHttpResponseHandler
    {
        private readonly HttpResponseFraming _stage;
        private readonly TaskCompletionSource<HttpResponseHead> _head;
        private readonly HttpResponseParser _parser;
        private readonly Queue<ByteString> _pending = new();
        private ByteString _current = ByteString.Empty;

        public Logic(HttpResponseFraming stage, TaskCompletionSource<HttpResponseHead> head)
            : base(stage.Shape)
        {
            _stage = stage;
            _head = head;
            _parser = new HttpResponseParser(maxHeadBytes: stage._maxHeadBytes);
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        // The head is read without waiting for downstream: whoever decides what to do with the
        // body (save, follow a redirect, refuse) needs it first.
        public override void PreStart() => Pull(_stage.In);

        public override void OnPush()
        {
            _current = Grab(_stage.In);
            if (!Parse(() => _parser.Feed(_current.ToReadOnlySpan(), this)))
                return;
            _current = ByteString.Empty;
            Drive();
        }

        public override void OnUpstreamFinish()
        {
            if (Parse(() => _parser.Finish(this)))
                Drive();
        }

        public override void OnUpstreamFailure(Exception e)
        {
            _head.TrySetException(e);
            FailStage(e);
        }

        public override void OnPull() => Drive();

        public override void PostStop() =>
            _head.TrySetException(new HttpParseException(HttpParseError.MalformedHead, "the response ended before its head"));

        public void OnHead(HttpResponseHead head) => _head.TrySetResult(head);

        public void OnBody(ReadOnlySpan<byte> bytes)
        {
            if (bytes.IsEmpty)
                return;
            // The parser hands out sub-spans of what it was fed: find where, and slice the ByteString there.
            _current.ToReadOnlySpan().Overlaps(bytes, out var offset);
            _pending.Enqueue(_current.Slice(offset, bytes.Length));
        }

        public void OnComplete()
        {
        }

        private bool Parse(Action step)
        {
            try
            {
                step();
                return true;
            }
            catch (HttpParseException e)
            {
                _head.TrySetException(e);
                FailStage(e);
                return false;
            }
        }

        /// <summary>Pushes what is pending, completes at the end of the body, otherwise reads on.</summary>
        private void Drive()
        {
            if (_pending.Count > 0)
            {
                if (IsAvailable(_stage.Out))
                    Push(_stage.Out, _pending.Dequeue());
                if (_pending.Count > 0)
                    return;
            }

            if (_parser.IsComplete)
            {
                CompleteStage();
                return;
            }

            var wanted = _parser.Head is null || IsAvailable(_stage.Out);
            if (wanted && !HasBeenPulled(_stage.In) && !IsClosed(_stage.In))
                Pull(_stage.In);
        }
    }
}
