// A Kestrel on loopback for the fetch benchmark. Serves, over http:// and https:// alike:
//   /size/N.bin     N MiB with a Content-Length, the same bytes every time
//   /chunked/N.bin  N MiB chunked (no Content-Length)
//   /empty.bin      an empty body: the fixed cost of one fetch (process start, connect, exit)
// The https:// side uses a CA and a leaf for 127.0.0.1 made at start; the CA is written as PEM to
// the path given as the first argument, for --cacert. Prints the http:// and the https:// base
// URLs on the first two lines of stdout, then serves until killed.
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: FetchBenchServer CA_PEM_PATH");
    return 2;
}

var (authority, leaf) = MakeCertificates();
await File.WriteAllTextAsync(args[0], authority.ExportCertificatePem());

var block = new byte[64 * 1024];
new Random(20261126).NextBytes(block);

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseKestrelHttpsConfiguration();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Loopback, 0);
    kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(leaf));
});
var app = builder.Build();
app.MapGet("/size/{mib:int}.bin", async (HttpContext context, int mib) =>
{
    context.Response.ContentType = "application/octet-stream";
    context.Response.ContentLength = mib * 1024L * 1024;
    await WriteBlocks(context, mib);
});
app.MapGet("/chunked/{mib:int}.bin", async (HttpContext context, int mib) =>
{
    context.Response.ContentType = "application/octet-stream";
    await WriteBlocks(context, mib);
});
app.MapGet("/empty.bin", async context => await context.Response.Body.FlushAsync(context.RequestAborted));
await app.StartAsync();
var urls = app.Urls.OrderBy(u => u.StartsWith("https", StringComparison.Ordinal)).ToList();
Console.WriteLine(urls[0]);
Console.WriteLine(urls[1]);
await app.WaitForShutdownAsync();
return 0;

async Task WriteBlocks(HttpContext context, int mib)
{
    var blocks = mib * 16;
    var mine = (byte[])block.Clone();
    for (var i = 0; i < blocks; i++)
    {
        // Vary each block a little so a file that repeats or drops one differs.
        mine[0] = (byte)i;
        mine[1] = (byte)(i >> 8);
        await context.Response.Body.WriteAsync(mine, context.RequestAborted);
    }
}

static (X509Certificate2 Authority, X509Certificate2 Leaf) MakeCertificates()
{
    using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    var caRequest = new CertificateRequest("CN=FetchBench CA", caKey, HashAlgorithmName.SHA256);
    caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
    caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
    caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
    // One clock reading for both: a leaf may not outlive its CA, not even by the second it took to make the keys.
    var now = DateTimeOffset.UtcNow;
    var authority = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));

    using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    var leafRequest = new CertificateRequest("CN=127.0.0.1", leafKey, HashAlgorithmName.SHA256);
    var names = new SubjectAlternativeNameBuilder();
    names.AddIpAddress(IPAddress.Loopback);
    names.AddDnsName("localhost");
    leafRequest.CertificateExtensions.Add(names.Build());
    leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
    leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
    leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
    using var issued = leafRequest.Create(authority, now.AddHours(-1), now.AddDays(6), RandomNumberGenerator.GetBytes(8));
    using var withKey = issued.CopyWithPrivateKey(leafKey);
    var leaf = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    return (authority, leaf);
}
