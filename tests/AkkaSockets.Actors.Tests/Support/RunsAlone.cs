namespace AkkaSockets.Actors.Tests.Support;

/// <summary>
/// Specs that measure the process (managed memory, hundreds of sockets) run alone, after the
/// parallel ones, so other specs' allocations do not show up in their figures.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}
