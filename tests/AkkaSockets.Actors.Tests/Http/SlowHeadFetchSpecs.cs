using Akka.Configuration;
using AkkaSockets.Actors.Configuration;
using AkkaSockets.Actors.Http;
using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Actors.Tests.Http;

/// <summary>
/// The body's stream waits for the head before its sink subscribes. Akka's stream subscription
/// timeout is shortened here far below the server's delay: the fetch must not depend on it.
/// </summary>
public sealed class SlowHeadFetchSpecs : Akka.TestKit.Xunit2.TestKit
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fetch-slow-head-");

    public SlowHeadFetchSpecs()
        : base(ConfigurationFactory.ParseString("akka.stream.materializer.subscription-timeout.timeout = 200ms").WithFallback(HoconDefaults.Embedded("fetch", "common")))
    {
    }

    [Fact]
    public async Task A_head_that_comes_later_than_the_streams_subscription_timeout_still_gets_its_body_saved()
    {
        await using var server = RawHttpServer.Start(async (stream, _, token) =>
        {
            // The response starts well after the (shortened) subscription timeout.
            await Task.Delay(TimeSpan.FromSeconds(1), token);
            await stream.WriteAsync(RawHttpServer.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlate"), token);
        });
        var target = Path.Combine(_dir.FullName, "page.bin");
        var fetch = Sys.ActorOf(HttpFetchActor.Props(FetchSettings.Default));

        fetch.Tell(new FetchPage(HttpUrl.Parse(server.Url("/")), target, FailOnHttpError: false), TestActor);

        Assert.IsType<PageSaved>(FishForMessage(m => m is PageSaved or FetchFailed, TimeSpan.FromSeconds(15)));
        Assert.Equal("late", await File.ReadAllTextAsync(target));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _dir.Delete(recursive: true);
    }
}
