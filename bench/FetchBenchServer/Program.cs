// A Kestrel on loopback that serves /body.bin: SIZE_MIB MiB, chunked (no Content-Length), the
// same bytes every time; and /empty.bin, an empty chunked body. Prints its URL on the first line of stdout, then serves until killed.
using System.Globalization;

var mib = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 256;
var block = new byte[64 * 1024];
new Random(20261126).NextBytes(block);

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls("http://127.0.0.1:0");
var app = builder.Build();
app.MapGet("/body.bin", async context =>
{
    context.Response.ContentType = "application/octet-stream";
    var blocks = mib * 16;
    for (var i = 0; i < blocks; i++)
    {
        // Vary each block a little so a file that repeats or drops one differs.
        block[0] = (byte)i;
        block[1] = (byte)(i >> 8);
        await context.Response.Body.WriteAsync(block, context.RequestAborted);
    }
});
// An empty chunked body: the fixed cost of one fetch (process start, connect, exit).
app.MapGet("/empty.bin", async context => await context.Response.Body.FlushAsync(context.RequestAborted));
await app.StartAsync();
Console.WriteLine(app.Urls.First());
await app.WaitForShutdownAsync();
