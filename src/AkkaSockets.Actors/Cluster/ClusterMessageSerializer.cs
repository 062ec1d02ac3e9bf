using System.Text.Json;
using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;
using AkkaSockets.Actors.Client.Distributed;

namespace AkkaSockets.Actors.Cluster;

/// <summary>
/// The serializer of every <see cref="IClusterMessage"/>: UTF-8 JSON of the record, told apart by
/// a short manifest, so the wire format is ours and does not depend on CLR type names. A node that
/// adds a remote message adds its manifest here.
/// </summary>
public sealed class ClusterMessageSerializer : SerializerWithStringManifest
{
    /// <summary>Akka reserves 0-100; this one is ours.</summary>
    public const int SerializerId = 4711;

    private const string FiguresManifest = "figures";
    private const string RunShareManifest = "load-share";
    private const string ShareStartedManifest = "load-share-started";
    private const string ShareProgressManifest = "load-share-progress";
    private const string ShareResultManifest = "load-share-result";
    private const string CancelShareManifest = "load-share-cancel";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ClusterMessageSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        NodeFigures => FiguresManifest,
        RunShare => RunShareManifest,
        ShareStarted => ShareStartedManifest,
        ShareProgress => ShareProgressManifest,
        ShareResult => ShareResultManifest,
        CancelShare => CancelShareManifest,
        _ => throw new ArgumentException($"{o.GetType()} has no manifest in {nameof(ClusterMessageSerializer)}", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        NodeFigures figures => JsonSerializer.SerializeToUtf8Bytes(figures, Json),
        // A result's histogram is HdrHistogram's compressed encoding, carried as base64.
        RunShare or ShareStarted or ShareProgress or ShareResult or CancelShare => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json),
        _ => throw new ArgumentException($"{obj.GetType()} is not serialized by {nameof(ClusterMessageSerializer)}", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        FiguresManifest => JsonSerializer.Deserialize<NodeFigures>(bytes, Json)
            ?? throw new SerializationException("empty figures message"),
        RunShareManifest => Read<RunShare>(bytes),
        ShareStartedManifest => Read<ShareStarted>(bytes),
        ShareProgressManifest => Read<ShareProgress>(bytes),
        ShareResultManifest => Read<ShareResult>(bytes),
        CancelShareManifest => Read<CancelShare>(bytes),
        _ => throw new SerializationException($"unknown manifest '{manifest}' for {nameof(ClusterMessageSerializer)}"),
    };

    private static T Read<T>(byte[] bytes) =>
        JsonSerializer.Deserialize<T>(bytes, Json) ?? throw new SerializationException($"empty {typeof(T).Name} message");
}
