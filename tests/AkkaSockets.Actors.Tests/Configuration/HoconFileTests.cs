using AkkaSockets.Actors.Configuration;
using AkkaSockets.Actors.Server;

namespace AkkaSockets.Actors.Tests.Configuration;

/// <summary><c>--config FILE</c>: a file that does not parse, or names a key that does not exist, is refused.</summary>
public sealed class HoconFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"akkasockets-{Guid.NewGuid():N}.hocon");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void A_misspelled_key_is_refused_naming_the_file_and_the_key()
    {
        File.WriteAllText(_path, "akkasockets.server {\n  prot = 9000\n}\n");

        var error = Assert.Throws<SettingsException>(() => HoconDefaults.ParseFile(_path));

        Assert.Equal($"--config {_path}: unknown key akkasockets.server.prot", error.Message);
    }

    [Fact]
    public void A_misspelled_section_is_refused_naming_a_key_in_it()
    {
        File.WriteAllText(_path, "akkasockets.servr.port = 9000\n");

        var error = Assert.Throws<SettingsException>(() => HoconDefaults.ParseFile(_path));

        Assert.Equal($"--config {_path}: unknown key akkasockets.servr.port", error.Message);
    }

    [Fact]
    public void An_unclosed_brace_is_refused_naming_the_file_and_its_line()
    {
        File.WriteAllText(_path, "# a comment with { in it\nakkasockets {\n  server {\n    port = 9000\n    host = \"{not a brace}\"\n  }\n");

        var error = Assert.Throws<SettingsException>(() => HoconDefaults.ParseFile(_path));

        Assert.Equal($"--config {_path}: not valid HOCON: the '{{' on line 2 is never closed", error.Message);
    }

    [Fact]
    public void Known_keys_and_akka_keys_are_accepted_and_read()
    {
        File.WriteAllText(_path, "akkasockets.server { port = 9000, framing = line }\nakka.io.tcp.batch-accept-limit = 8\n");

        var settings = ServerSettings.FromConfig(HoconDefaults.Compose(Akka.Configuration.Config.Empty, _path, "common", "server"));

        Assert.Equal(9000, settings.Port);
        Assert.Equal(AkkaSockets.Protocol.Framing.FramingMode.Line, settings.Framing);
    }
}
