using System.Collections.Immutable;
using System.Text;
using AkkaSockets.Protocol.Framing;
using AkkaSockets.Protocol.Greeting;

namespace AkkaSockets.Actors.Client;

/// <summary>
/// What a session sends and exactly what it expects back, as bytes. Built once and shared by
/// every session of a load run, so a session holds no buffers of its own: it only counts how
/// many bytes of the current expectation have matched.
/// </summary>
public sealed class GreetingScript
{
    private readonly ImmutableArray<byte[]> _requests;
    private readonly ImmutableArray<byte[]> _replies;

    public GreetingScript(IEnumerable<string> names, FramingMode framing)
    {
        Names = [.. names];
        if (Names.IsEmpty)
            throw new ArgumentException("a script needs at least one name", nameof(names));
        var end = framing == FramingMode.Line ? "\n"u8.ToArray() : [];
        Welcome = GreetingProtocol.Greeting(framing);
        // Transports only read the bytes they send: every session of a run sends the same arrays.
        _requests = [.. Names.Select(n => Join(Encoding.UTF8.GetBytes(n), end))];
        _replies = [.. Names.Select(n => GreetingProtocol.Reply(Encoding.UTF8.GetBytes(n), framing))];
        Exit = Join(GreetingProtocol.ExitCommand, end);
    }

    public ImmutableArray<string> Names { get; }

    public int Count => Names.Length;

    internal byte[] Welcome { get; }

    internal byte[] Exit { get; }

    internal byte[] Request(int index) => _requests[index];

    /// <summary>The bytes expected at a step: -1 is the welcome, 0..Count-1 the replies.</summary>
    internal byte[] Expected(int step) => step < 0 ? Welcome : _replies[step];

    private static byte[] Join(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) => [.. first, .. second];

    /// <summary>The expected text of a step, for display.</summary>
    public string ExpectedText(int step) => Encoding.UTF8.GetString(Expected(step)).TrimEnd('\r', '\n');
}
