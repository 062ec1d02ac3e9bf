using System.Text.Json;
using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;

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

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ClusterMessageSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => o switch
    {
        NodeFigures => FiguresManifest,
        _ => throw new ArgumentException($"{o.GetType()} has no manifest in {nameof(ClusterMessageSerializer)}", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        NodeFigures figures => JsonSerializer.SerializeToUtf8Bytes(figures, Json),
        _ => throw new ArgumentException($"{obj.GetType()} is not serialized by {nameof(ClusterMessageSerializer)}", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        FiguresManifest => JsonSerializer.Deserialize<NodeFigures>(bytes, Json)
            ?? throw new SerializationException("empty figures message"),
        _ => throw new SerializationException($"unknown manifest '{manifest}' for {nameof(ClusterMessageSerializer)}"),
    };
}
