namespace AkkaSockets.Cli.Hosting;

/// <summary>What the first Ctrl+C prints on stderr before the node drains (null prints nothing).</summary>
internal sealed class DrainNotice(Func<string?> describe)
{
    public string? Describe() => describe();
}
