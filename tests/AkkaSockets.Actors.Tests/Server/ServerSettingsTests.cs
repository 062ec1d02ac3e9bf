using Akka.Configuration;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Actors.Server;

namespace AkkaSockets.Actors.Tests.Server;

public sealed class ServerSettingsTests
{
    [Fact]
    public void The_embedded_default_idle_timeout_is_five_minutes()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), ServerSettings.Default.IdleTimeout);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("OFF")]
    [InlineData("false")]
    public void Idle_timeout_off_means_no_idle_timeout_at_all(string value)
    {
        var settings = ServerSettings.FromConfig(Server($"idle-timeout = {value}"));

        Assert.Null(settings.IdleTimeout);
    }

    [Theory]
    [InlineData("idle-timeout = 0s", "akkasockets.server.idle-timeout")]
    [InlineData("idle-timeout = never", "akkasockets.server.idle-timeout")]
    [InlineData("drain-timeout = soon", "akkasockets.server.drain-timeout")]
    [InlineData("max-connections = 0", "akkasockets.server.max-connections")]
    [InlineData("framing = morse", "akkasockets.server.framing")]
    public void A_bad_server_value_names_its_key(string setting, string key)
    {
        Assert.Equal(key, Assert.Throws<SettingsException>(() => ServerSettings.FromConfig(Server(setting))).Key);
    }

    private static Config Server(string setting) =>
        ConfigurationFactory.ParseString($"akkasockets.server.{setting}").WithFallback(HoconDefaults.Embedded("server"));
}
