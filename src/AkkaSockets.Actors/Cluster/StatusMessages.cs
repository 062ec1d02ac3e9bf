namespace AkkaSockets.Actors.Cluster;

/// <summary>Asks the <see cref="StatusCollectorActor"/> for the cluster's status once this node is in.</summary>
public sealed record CollectStatus(DateTimeOffset Deadline);

/// <summary>One member as this node sees it.</summary>
public sealed record MemberView(string Address, IReadOnlyList<string> Roles, string Status, bool Reachable);

/// <summary>
/// The answer to <see cref="CollectStatus"/>: the members (without the asking node) and the
/// figures of every server member that has shared them, with their sum.
/// </summary>
public sealed record ClusterStatus(IReadOnlyList<MemberView> Members, IReadOnlyList<NodeFigures> Figures, NodeFigures Total);

/// <summary>The answer to <see cref="CollectStatus"/> when this node did not get into the cluster in time.</summary>
public sealed record StatusUnavailable(string Reason);
