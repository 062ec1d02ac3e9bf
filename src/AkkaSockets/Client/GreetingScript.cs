using System.Collections.Immutable;
using System.Text;
using Akka.IO;
using AkkaSockets.Protocol.Framing;
using AkkaSockets.Protocol.Greeting;

namespace AkkaSockets.Client;

/// <summary>
/// What a session sends and exactly what it expects back, as bytes. Built once and shared by
/// every session of a load run, so a session holds no buffers of its own: it only counts how
/// many bytes of the current expectation have matched.
/// </summary>
public sealed class GreetingScript
{
    private readonly ImmutableArray<Tcp.Write> _requests;
    private readonly ImmutableArray<byte[]> _replies;

    public GreetingScript(IEnumerable<string> names, FramingMode framing)
    {
        Names = [.. names];
        if (Names.IsEmpty)
            throw new ArgumentException("a script needs at least one name", nameof(names));
        var end = framing == FramingMode.Line ? "\n"u8.ToArray() : [];
        Welcome = GreetingProtocol.Greeting(framing);
        // Write commands are immutable: every session of a run sends the same instances.
        _requests = [.. Names.Select(n => WriteOf([.. Encoding.UTF8.GetBytes(n), .. end]))];
        _replies = [.. Names.Select(n => GreetingProtocol.Reply(Encoding.UTF8.GetBytes(n), framing))];
        Exit = WriteOf([.. GreetingProtocol.ExitCommand, .. end]);
    }

    public ImmutableArray<string> Names { get; }

    public int Count => Names.Length;

    internal byte[] Welcome { get; }

    internal Tcp.Write Exit { get; }

    internal Tcp.Write Request(int index) => _requests[index];

    /// <summary>The bytes expected at a step: -1 is the welcome, 0..Count-1 the replies.</summary>
    internal byte[] Expected(int step) => step < 0 ? Welcome : _replies[step];

    private static Tcp.Write WriteOf(byte[] bytes) => Tcp.Write.Create(ByteString.FromBytes(bytes));

    /// <summary>The expected text of a step, for display.</summary>
    public string ExpectedText(int step) => Encoding.UTF8.GetString(Expected(step)).TrimEnd('\r', '\n');
}
