using Akka.IO;
using Akka.Streams;
using Akka.Streams.IO;
using Akka.Streams.Stage;

namespace AkkaSockets.Actors.Http;

/// <summary>
/// The body's sink: writes each element to a stream it opens at start (the file, or standard
/// output), one element at a time, on Akka.Streams' blocking-I/O dispatcher, and materializes what
/// it wrote as an <see cref="IOResult"/> with the same outcomes as <c>FileIO.ToFile</c>: the open
/// failing faults the result; a write failing gives a failed <see cref="IOResult"/>; a failure
/// upstream faults it with <see cref="AbruptIOTerminationException"/> around the cause.
/// <para>
/// Two things <c>FileIO.ToFile</c> does are left out on purpose (docs/performance.md, "Fetch"):
/// it copies every element into a new array before writing it (<c>ByteString.ToArray</c>), where
/// this writes the element's own bytes and then tells the <see cref="ReadBufferRing"/> that the
/// array may be read into again; and it syncs the file to the disk at the end (<c>fsync</c>, 1.9 s
/// of a 5.5 s fetch of 1 GiB), which curl and wget do not do either.
/// </para>
/// </summary>
internal sealed class BodySink : GraphStageWithMaterializedValue<SinkShape<ByteString>, Task<IOResult>>
{
    private readonly Func<Stream> _open;
    private readonly ReadBufferRing? _ring;

    public BodySink(Func<Stream> open, ReadBufferRing? ring)
    {
        _open = open;
        _ring = ring;
        Shape = new SinkShape<ByteString>(In);
    }

    public Inlet<ByteString> In { get; } = new("body-sink.in");

    public override SinkShape<ByteString> Shape { get; }

    protected override Attributes InitialAttributes { get; } =
        Attributes.CreateName("body-sink").And(ActorAttributes.CreateDispatcher("akka.stream.default-blocking-io-dispatcher"));

    public override ILogicAndMaterializedValue<Task<IOResult>> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var result = new TaskCompletionSource<IOResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        return new LogicAndMaterializedValue<Task<IOResult>>(new Logic(this, result), result.Task);
    }

    private sealed class Logic : InGraphStageLogic
    {
        private readonly BodySink _stage;
        private readonly TaskCompletionSource<IOResult> _result;
        private Stream? _stream;
        private long _written;

        public Logic(BodySink stage, TaskCompletionSource<IOResult> result)
            : base(stage.Shape)
        {
            _stage = stage;
            _result = result;
            SetHandler(_stage.In, this);
        }

        public override void PreStart()
        {
            try
            {
                _stream = _stage._open();
            }
            catch (Exception e)
            {
                _result.TrySetException(e);
                CompleteStage();
                return;
            }

            Pull(_stage.In);
        }

        public override void OnPush()
        {
            var bytes = Grab(_stage.In);
            try
            {
                bytes.WriteTo(_stream!);
            }
            catch (Exception e)
            {
                Close();
                _result.TrySetResult(IOResult.Failed(_written, e));
                CompleteStage();
                return;
            }

            _written += bytes.Count;
            _stage._ring?.Written(bytes.ToReadOnlySpan());
            Pull(_stage.In);
        }

        public override void OnUpstreamFinish()
        {
            try
            {
                // Closing writes out what the stream still buffers: a failure there is the body's.
                _stream!.Dispose();
                _stream = null;
                _result.TrySetResult(IOResult.Success(_written));
            }
            catch (Exception e)
            {
                Close();
                _result.TrySetResult(IOResult.Failed(_written, e));
            }

            CompleteStage();
        }

        public override void OnUpstreamFailure(Exception e)
        {
            Close();
            _result.TrySetException(new AbruptIOTerminationException(IOResult.Success(_written), e));
            FailStage(e);
        }

        public override void PostStop()
        {
            // Torn down without an end (the materializer stopped): the file is closed, and the
            // result says the body did not finish.
            Close();
            _result.TrySetException(new AbruptStageTerminationException(this));
        }

        private void Close()
        {
            try
            {
                _stream?.Dispose();
            }
            catch (IOException)
            {
                // A close that fails after the last write changes nothing for the result.
            }

            _stream = null;
        }
    }
}
