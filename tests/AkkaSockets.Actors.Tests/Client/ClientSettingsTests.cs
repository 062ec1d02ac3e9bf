using Akka.Configuration;
using AkkaSockets.Actors.Client;
using AkkaSockets.Actors.Configuration;

namespace AkkaSockets.Actors.Tests.Client;

public sealed class ClientSettingsTests
{
    [Fact]
    public void The_embedded_client_defaults_are_the_tutorials()
    {
        var settings = ClientSettings.Default;

        Assert.Equal("127.0.0.1", settings.Host);
        Assert.Equal(9999, settings.Port);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.Timeout);
        Assert.Equal(["Michael", "Tracy", "Sarah"], settings.Names.ToArray());
        Assert.Equal(100, settings.Load.Connections);
        // sessions = 0 means one session per connection.
        Assert.Equal(100, settings.Load.Sessions);
        Assert.Null(settings.Load.Ramp);
    }

    [Theory]
    [InlineData("port = 0", "akkasockets.client.port")]
    [InlineData("port = 65536", "akkasockets.client.port")]
    [InlineData("timeout = soon", "akkasockets.client.timeout")]
    [InlineData("connect-timeout = 0s", "akkasockets.client.connect-timeout")]
    [InlineData("framing = morse", "akkasockets.client.framing")]
    [InlineData("transport = carrier-pigeon", "akkasockets.client.transport")]
    [InlineData("names = []", "akkasockets.client.names")]
    [InlineData("names = [\"Ada\", \"exit\"]", "akkasockets.client.names")]
    [InlineData("names = [\"\"]", "akkasockets.client.names")]
    [InlineData("load.connections = 0", "akkasockets.client.load.connections")]
    [InlineData("load.ramp = fast", "akkasockets.client.load.ramp")]
    [InlineData("load.duration = forever", "akkasockets.client.load.duration")]
    public void A_bad_client_value_names_its_key(string setting, string key)
    {
        var config = ConfigurationFactory.ParseString($"akkasockets.client.{setting}").WithFallback(HoconDefaults.Embedded("client"));

        Assert.Equal(key, Assert.Throws<SettingsException>(() => ClientSettings.FromConfig(config)).Key);
    }

    [Fact]
    public void In_line_framing_a_name_with_a_line_break_is_refused_under_the_names_key()
    {
        var config = ConfigurationFactory.ParseString("akkasockets.client { framing = line, names = [\"Ada\\nLovelace\"] }")
            .WithFallback(HoconDefaults.Embedded("client"));

        Assert.Equal("akkasockets.client.names", Assert.Throws<SettingsException>(() => ClientSettings.FromConfig(config)).Key);
    }
}
