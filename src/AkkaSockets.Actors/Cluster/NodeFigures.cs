namespace AkkaSockets.Actors.Cluster;

/// <summary>
/// One server node's figures as it shares them with the cluster (about once a second).
/// Counts run from the node's start; <see cref="Open"/> is the connections open right now.
/// </summary>
public sealed record NodeFigures(
    string Node,
    int Open,
    long Accepted,
    long RefusedBusy,
    long Replies,
    IReadOnlyDictionary<string, long> ClosesByReason,
    DateTimeOffset At) : IClusterMessage
{
    public long Closed => ClosesByReason.Values.Sum();

    public bool Equals(NodeFigures? other) =>
        other is not null
        && Node == other.Node
        && Open == other.Open
        && Accepted == other.Accepted
        && RefusedBusy == other.RefusedBusy
        && Replies == other.Replies
        && At == other.At
        && ClosesByReason.Count == other.ClosesByReason.Count
        && ClosesByReason.All(kv => other.ClosesByReason.TryGetValue(kv.Key, out var n) && n == kv.Value);

    public override int GetHashCode() => HashCode.Combine(Node, Open, Accepted, RefusedBusy, Replies, At);

    /// <summary>The sum over nodes, named <paramref name="node"/>; its time is the latest of theirs.</summary>
    public static NodeFigures Total(string node, IEnumerable<NodeFigures> figures)
    {
        var list = figures.ToList();
        var closes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (reason, count) in list.SelectMany(f => f.ClosesByReason))
            closes[reason] = closes.GetValueOrDefault(reason) + count;
        return new NodeFigures(
            node,
            list.Sum(f => f.Open),
            list.Sum(f => f.Accepted),
            list.Sum(f => f.RefusedBusy),
            list.Sum(f => f.Replies),
            closes,
            list.Count == 0 ? DateTimeOffset.MinValue : list.Max(f => f.At));
    }
}
