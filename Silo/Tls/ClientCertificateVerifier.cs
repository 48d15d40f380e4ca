using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansCoord.Silo.Tls;

/// <summary>
/// Whether a client certificate chains to one of the configured CAs (<c>--tls-ca</c>) and to nothing else: the
/// machine's trusted roots do not count, so a certificate from a public CA names nobody in this grid.
/// </summary>
/// <remarks>
/// Revocation is not checked (no CRL or OCSP is configured, as in ZooKeeper by default); the certificate must be within
/// its validity and, if it names its uses, be meant for client authentication.
/// </remarks>
public sealed class ClientCertificateVerifier(X509Certificate2Collection authorities)
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>The CA certificates, as read from the bundle.</summary>
    public X509Certificate2Collection Authorities { get; } = authorities;

    /// <summary>True when <paramref name="certificate"/> chains to one of <see cref="Authorities"/>.</summary>
    /// <param name="certificate">The client's own certificate.</param>
    /// <param name="presented">The chain TLS built from what the client sent; only its intermediates are used.</param>
    public bool IsTrusted(X509Certificate2 certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(Authorities);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.ApplicationPolicy.Add(ClientAuthentication);
        if (presented is not null) policy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        return chain.Build(certificate);
    }
}
