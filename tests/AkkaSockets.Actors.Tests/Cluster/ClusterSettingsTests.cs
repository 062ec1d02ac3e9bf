using Akka.Configuration;
using AkkaSockets.Actors.Cluster;
using AkkaSockets.Actors.Configuration;

namespace AkkaSockets.Actors.Tests.Cluster;

public sealed class ClusterSettingsTests
{
    [Theory]
    [InlineData("127.0.0.1:4053", "127.0.0.1", 4053)]
    [InlineData("node-1.example:4053", "node-1.example", 4053)]
    [InlineData("[::1]:4053", "::1", 4053)]
    public void A_seed_is_a_host_and_a_cluster_port(string text, string host, int port)
    {
        Assert.True(ClusterSettings.TryParseSeed(text, out var seed));
        Assert.Equal((host, port), (seed.Host, seed.Port));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData(":4053")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("::1:4053")]
    public void A_seed_without_a_usable_port_or_with_a_bare_ipv6_address_is_refused(string text) =>
        Assert.False(ClusterSettings.TryParseSeed(text, out _));

    [Fact]
    public void The_embedded_defaults_leave_cluster_mode_off_with_no_seeds()
    {
        var settings = ClusterSettings.FromConfig(HoconDefaults.Embedded("cluster"));

        Assert.False(settings.Enabled);
        Assert.Empty(settings.Seeds);
        Assert.Equal(("127.0.0.1", "127.0.0.1", 0), (settings.Host, settings.PublicHost, settings.Port));
        Assert.Equal(TimeSpan.FromSeconds(1), settings.PublishInterval);
    }

    [Fact]
    public void A_bad_seed_in_the_configuration_names_the_key_and_the_value()
    {
        var config = ConfigurationFactory.ParseString("akkasockets.cluster.seeds = [\"nowhere\"]")
            .WithFallback(HoconDefaults.Embedded("cluster"));

        var error = Assert.Throws<SettingsException>(() => ClusterSettings.FromConfig(config));

        Assert.Equal("akkasockets.cluster.seeds", error.Key);
        Assert.Contains("'nowhere'", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_split_brain_resolver_is_named_with_its_strategy_and_server_only_votes()
    {
        var config = HoconDefaults.Embedded("cluster");

        Assert.Equal("Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster", config.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(ClusterNode.ServerRole, config.GetString("akka.cluster.split-brain-resolver.keep-majority.role"));
        Assert.Equal(TimeSpan.FromSeconds(20), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
    }
}
