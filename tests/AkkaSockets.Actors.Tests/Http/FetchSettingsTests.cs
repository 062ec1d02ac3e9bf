using Akka.Configuration;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Actors.Http;

namespace AkkaSockets.Actors.Tests.Http;

public sealed class FetchSettingsTests
{
    [Fact]
    public void The_embedded_defaults_are_valid()
    {
        var settings = FetchSettings.Default;
        Assert.Equal(TimeSpan.FromSeconds(30), settings.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.IdleTimeout);
        Assert.Equal(5, settings.MaxRedirects);
        Assert.Equal(64 * 1024, settings.MaxHeadBytes);
    }

    [Theory]
    [InlineData("max-redirects = -1", "akkasockets.fetch.max-redirects")]
    [InlineData("idle-timeout = soon", "akkasockets.fetch.idle-timeout")]
    [InlineData("connect-timeout = 0s", "akkasockets.fetch.connect-timeout")]
    [InlineData("max-head-bytes = 10", "akkasockets.fetch.max-head-bytes")]
    public void A_bad_value_names_its_key(string setting, string key)
    {
        var config = ConfigurationFactory.ParseString($"akkasockets.fetch.{setting}").WithFallback(HoconDefaults.Embedded("fetch"));
        Assert.Equal(key, Assert.Throws<SettingsException>(() => FetchSettings.FromConfig(config)).Key);
    }
}
