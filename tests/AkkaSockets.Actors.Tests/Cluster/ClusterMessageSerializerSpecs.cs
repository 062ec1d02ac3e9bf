using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.DistributedData;
using Akka.Event;
using Akka.Serialization;
using AkkaSockets.Actors.Cluster;
using Xunit.Abstractions;

namespace AkkaSockets.Actors.Tests.Cluster;

/// <summary>
/// Every message of ours that crosses the network goes through our serializer, and survives the
/// trip: with <c>serialize-messages = on</c> each local send is serialized and read back too.
/// </summary>
public sealed class ClusterMessageSerializerSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly NodeFigures Figures = new(
        "akka.tcp://akkasockets@127.0.0.1:4053",
        Open: 12,
        Accepted: 3_000_000_000,
        RefusedBusy: 7,
        Replies: 9_000_000_000,
        new Dictionary<string, long> { ["exit"] = 2_999_999_000, ["reset"] = 988 },
        new DateTimeOffset(2026, 12, 3, 12, 0, 0, 250, TimeSpan.Zero));

    public ClusterMessageSerializerSpecs(ITestOutputHelper output)
        : base(ClusterNodes.Start(ClusterNode.ServerRole, ConfigurationFactory.ParseString("""
            akka.actor.serialize-messages = on
            akka.loglevel = DEBUG
            """)), output)
    {
    }

    [Fact]
    public void Node_figures_are_bound_to_our_serializer_not_a_default_one()
    {
        var serializer = Sys.Serialization.FindSerializerFor(Figures);

        Assert.IsType<ClusterMessageSerializer>(serializer);
        Assert.Equal(ClusterMessageSerializer.SerializerId, serializer.Identifier);
    }

    [Fact]
    public void Node_figures_round_trip_through_the_serializer_with_their_manifest()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(Figures);

        var bytes = serializer.ToBinary(Figures);
        var back = serializer.FromBinary(bytes, serializer.Manifest(Figures));

        Assert.Equal(Figures, back);
    }

    [Fact]
    public void A_sent_message_is_serialized_and_read_back_when_serialize_messages_is_on()
    {
        var probe = CreateTestProbe();
        var warnings = CreateTestProbe();
        Sys.EventStream.Subscribe(warnings, typeof(Warning));

        probe.Ref.Tell(Figures);

        var received = probe.ExpectMsg<NodeFigures>();
        Assert.Equal(Figures, received);
        warnings.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void The_replicated_map_of_figures_round_trips_through_distributed_datas_serializer()
    {
        // A node starts DistributedData (the figures' publisher or collector does), which brings its serializers.
        _ = DistributedData.Get(Sys);
        var self = Akka.Cluster.Cluster.Get(Sys).SelfUniqueAddress;
        var map = LWWDictionary<string, NodeFigures>.Empty.SetItem(self, Figures.Node, Figures);
        var serialization = Sys.Serialization;

        var serializer = serialization.FindSerializerFor(map);
        var bytes = serializer.ToBinary(map);
        var manifest = Serialization.ManifestFor(serializer, map);
        var back = (LWWDictionary<string, NodeFigures>)serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.IsNotType<NewtonSoftJsonSerializer>(serializer);
        Assert.Equal(Figures, back.Entries[Figures.Node]);
    }
}
