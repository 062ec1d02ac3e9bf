using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AkkaSockets.Actors.Tests.Support;

/// <summary>
/// A real Kestrel on 127.0.0.1 port 0. Bodies are written without a length, so Kestrel frames
/// them chunked: exactly what it does for the tutorial's request.
/// </summary>
internal sealed class KestrelServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl.TrimEnd('/');
    }

    public string BaseUrl { get; }

    public static async Task<KestrelServer> StartAsync(byte[] binary)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", async context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync("<html><body>");
            await context.Response.Body.FlushAsync();
            await context.Response.WriteAsync("Hello from Kestrel</body></html>");
        });
        app.MapGet("/files/data.bin", async context =>
        {
            context.Response.ContentType = "application/octet-stream";
            for (var offset = 0; offset < binary.Length; offset += 10_000)
            {
                await context.Response.Body.WriteAsync(binary.AsMemory(offset, Math.Min(10_000, binary.Length - offset)));
                await context.Response.Body.FlushAsync();
            }
        });
        await app.StartAsync();
        return new KestrelServer(app, app.Urls.First());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
