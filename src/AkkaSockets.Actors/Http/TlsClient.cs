using System.Globalization;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using AkkaSockets.Protocol.Http;

namespace AkkaSockets.Actors.Http;

/// <summary>A TLS handshake or certificate check that failed: which check, in one line.</summary>
public sealed class TlsFailedException : Exception
{
    public TlsFailedException(FetchFailure failure, string message, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
    }

    public TlsFailedException()
        : this(FetchFailure.TlsHandshakeFailed, "TLS handshake failed")
    {
    }

    public TlsFailedException(string message)
        : this(FetchFailure.TlsHandshakeFailed, message)
    {
    }

    public TlsFailedException(string message, Exception inner)
        : this(FetchFailure.TlsHandshakeFailed, message, inner)
    {
    }

    public FetchFailure Failure { get; }
}

/// <summary>
/// TLS 1.2/1.3 over a connected stream with <see cref="SslStream"/>: SNI and the name checked are
/// the URL's host; the chain is checked against the system store, and against the extra anchors
/// of <see cref="TlsTrust"/> when the system store does not vouch for it.
/// </summary>
internal static class TlsClient
{
    public static async Task<SslStream> AuthenticateAsync(Stream connection, HttpUrl url, TlsTrust trust, CancellationToken token)
    {
        var verdict = new Verdict(url, trust);
        var tls = new SslStream(connection, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = url.Host,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            RemoteCertificateValidationCallback = verdict.Check,
        };
        try
        {
            await tls.AuthenticateAsClientAsync(options, token).ConfigureAwait(false);
            return tls;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            if (verdict.Rejection is { } rejection)
                throw rejection;
            throw new TlsFailedException(FetchFailure.TlsHandshakeFailed, $"TLS handshake with {url.HostHeader} failed: {e.GetBaseException().Message}", e);
        }
    }

    /// <summary>Runs inside the handshake (on whatever thread it completes on) and keeps only its own answer.</summary>
    private sealed class Verdict(HttpUrl url, TlsTrust trust)
    {
        public TlsFailedException? Rejection { get; private set; }

        public bool Check(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (trust.Insecure || errors == SslPolicyErrors.None)
                return true;
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            {
                Rejection = new TlsFailedException(FetchFailure.TlsHandshakeFailed, $"TLS handshake with {url.HostHeader} failed: the server sent no certificate");
                return false;
            }

            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors) && ChainProblem(leaf, chain) is { } problem)
            {
                Rejection = problem;
                return false;
            }

            if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            {
                Rejection = new TlsFailedException(
                    FetchFailure.CertificateNameMismatch,
                    $"Certificate name mismatch: the certificate of {url.HostHeader} does not name {url.Host} ({leaf.Subject})");
                return false;
            }

            return true;
        }

        /// <summary>Null when the extra anchors vouch for the chain the system store refused.</summary>
        private TlsFailedException? ChainProblem(X509Certificate2 leaf, X509Chain? system)
        {
            var statuses = system?.ChainStatus ?? [];
            if (trust.ExtraRoots.Count > 0)
            {
                using var custom = new X509Chain();
                custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                custom.ChainPolicy.CustomTrustStore.AddRange(trust.ExtraRoots);
                custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                if (system is not null)
                    custom.ChainPolicy.ExtraStore.AddRange(system.ChainPolicy.ExtraStore);
                if (custom.Build(leaf))
                    return null;
                statuses = custom.ChainStatus;
            }

            var untrusted = statuses.Any(s => s.Status is X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain);
            if (!untrusted && statuses.Any(s => s.Status == X509ChainStatusFlags.NotTimeValid))
            {
                return new TlsFailedException(
                    FetchFailure.CertificateExpired,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"Certificate expired: the certificate of {url.HostHeader} is valid from {leaf.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} to {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"));
            }

            var why = string.Join("; ", statuses.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            return new TlsFailedException(
                FetchFailure.CertificateUntrusted,
                $"Certificate not trusted: the chain of {url.HostHeader} ({leaf.Subject}) does not lead to a trusted root{(why.Length > 0 ? ": " + why : string.Empty)}");
        }
    }
}
