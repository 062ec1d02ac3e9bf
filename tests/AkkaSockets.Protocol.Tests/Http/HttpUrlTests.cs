using System.Text;
using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Protocol.Tests.Http;

public sealed class HttpUrlTests
{
    [Fact]
    public void A_plain_URL_gets_port_80_and_the_root_target()
    {
        var url = HttpUrl.Parse("http://Example.COM");
        Assert.Equal("example.com", url.Host);
        Assert.Equal(80, url.Port);
        Assert.Equal("/", url.Target);
        Assert.Equal("example.com", url.HostHeader);
    }

    [Fact]
    public void The_host_header_carries_a_port_that_is_not_80()
    {
        var url = HttpUrl.Parse("http://localhost:8080/a/b.txt?x=1#frag");
        Assert.Equal("localhost:8080", url.HostHeader);
        Assert.Equal("/a/b.txt?x=1", url.Target);
    }

    [Fact]
    public void An_IPv6_literal_is_bare_for_connecting_and_bracketed_in_the_host_header()
    {
        var url = HttpUrl.Parse("http://[::1]:9000/x");
        Assert.True(url.IsIPv6Literal);
        Assert.Equal("::1", url.Host);
        Assert.Equal("[::1]:9000", url.HostHeader);
    }

    [Theory]
    [InlineData("https://example.com/", 443, "example.com")]
    [InlineData("https://example.com:8443/", 8443, "example.com:8443")]
    [InlineData("https://example.com:80/", 80, "example.com:80")]
    public void An_https_URL_defaults_to_port_443_and_names_only_another_port_in_the_host_header(string text, int port, string hostHeader)
    {
        var url = HttpUrl.Parse(text);
        Assert.True(url.IsHttps);
        Assert.Equal(port, url.Port);
        Assert.Equal(hostHeader, url.HostHeader);
    }

    [Theory]
    [InlineData("ftp://example.com/")]
    [InlineData("http://")]
    [InlineData("http://host:99999/")]
    [InlineData("http://user:pw@host/")]
    [InlineData("")]
    public void Other_schemes_and_broken_URLs_are_invalid(string text)
    {
        Assert.Equal(HttpUrlError.Invalid, Assert.Throws<HttpUrlException>(() => HttpUrl.Parse(text)).Error);
    }

    [Fact]
    public void A_URL_without_a_scheme_is_taken_as_http()
    {
        Assert.Equal("http://localhost:81/", HttpUrl.Parse("localhost:81").ToString());
    }

    [Theory]
    [InlineData("http://h/", "index.html")]
    [InlineData("http://h", "index.html")]
    [InlineData("http://h/dir/", "index.html")]
    [InlineData("http://h/dir/page.html?q=1", "page.html")]
    [InlineData("http://h/a%20b.txt", "a b.txt")]
    [InlineData("http://h/x/..%2F..%2Fetc", "index.html")]
    public void The_default_file_name_is_the_last_path_segment(string text, string expected)
    {
        Assert.Equal(expected, HttpUrl.Parse(text).DefaultFileName);
    }

    [Theory]
    [InlineData("/other", "http://h:81/other")]
    [InlineData("next", "http://h:81/dir/next")]
    [InlineData("../up?x=1", "http://h:81/up?x=1")]
    [InlineData("//elsewhere/p", "http://elsewhere/p")]
    [InlineData("http://abs:82/z", "http://abs:82/z")]
    public void Redirect_locations_resolve_against_the_current_URL(string location, string expected)
    {
        Assert.Equal(expected, HttpUrl.Parse("http://h:81/dir/page").Resolve(location).ToString());
    }

    [Fact]
    public void Redirects_cross_between_http_and_https_both_ways()
    {
        Assert.True(HttpUrl.Parse("http://h/").Resolve("https://h/secure").IsHttps);
        Assert.False(HttpUrl.Parse("https://h/").Resolve("http://h/plain").IsHttps);
        Assert.True(HttpUrl.Parse("https://h:8443/a").Resolve("/b").IsHttps);
    }

    [Fact]
    public void The_request_is_the_tutorials_GET_with_the_headers_HTTP_1_1_expects()
    {
        var bytes = HttpRequestWriter.Get(HttpUrl.Parse("http://[::1]:8080/a b?q"), "akkasockets/1.0.0");
        Assert.Equal(
            "GET /a%20b?q HTTP/1.1\r\nHost: [::1]:8080\r\nUser-Agent: akkasockets/1.0.0\r\nAccept: */*\r\nConnection: close\r\n\r\n",
            Encoding.ASCII.GetString(bytes));
    }
}
