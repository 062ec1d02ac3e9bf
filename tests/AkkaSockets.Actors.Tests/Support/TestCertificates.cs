using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AkkaSockets.Actors.Tests.Support;

/// <summary>
/// A private CA and leaf certificates made at run time (nothing on disk, nothing from the
/// internet): the leaf names <c>localhost</c> and <c>127.0.0.1</c>; others are wrong on purpose.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private TestCertificates(X509Certificate2 authority)
    {
        Authority = authority;
        Leaf = Issue(["localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        WrongName = Issue(["wrong.example"], [], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        Expired = Issue(["localhost"], [IPAddress.Loopback], DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
    }

    /// <summary>The CA: what <c>--cacert</c> names.</summary>
    public X509Certificate2 Authority { get; }

    public X509Certificate2 Leaf { get; }

    public X509Certificate2 WrongName { get; }

    public X509Certificate2 Expired { get; }

    /// <summary>The CA certificate as PEM, as a user would save it.</summary>
    public string AuthorityPem => Authority.ExportCertificatePem();

    public static TestCertificates Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=AkkaSockets Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using var authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddDays(60));
        return new TestCertificates(Reload(authority));
    }

    /// <summary>Writes the CA as PEM into <paramref name="directory"/> and returns the path.</summary>
    public string WriteAuthorityPem(string directory)
    {
        var path = Path.Combine(directory, $"ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, AuthorityPem);
        return path;
    }

    public void Dispose()
    {
        Leaf.Dispose();
        WrongName.Dispose();
        Expired.Dispose();
        Authority.Dispose();
    }

    private X509Certificate2 Issue(string[] names, IPAddress[] addresses, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={(names.Length > 0 ? names[0] : addresses[0].ToString())}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
            san.AddDnsName(name);
        foreach (var address in addresses)
            san.AddIpAddress(address);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var issued = request.Create(Authority, notBefore, notAfter, serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    // A PKCS#12 round trip gives a certificate whose key every platform's TLS server can use.
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
}
