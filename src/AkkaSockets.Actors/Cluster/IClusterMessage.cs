namespace AkkaSockets.Actors.Cluster;

/// <summary>
/// A message of ours that may cross the network. The serialization binding in cluster.hocon sends
/// every type marked with it through <see cref="ClusterMessageSerializer"/>.
/// </summary>
#pragma warning disable CA1040 // A marker interface is how Akka's serialization-bindings select types.
public interface IClusterMessage;
#pragma warning restore CA1040
