using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansCoord.Tls;

namespace OrleansCoord.Silo.Tls;

/// <summary>
/// Whether a certificate presented to the silo chains to one of the configured CAs (<c>--tls-ca</c>) and to nothing
/// else: the machine's trusted roots do not count, so a certificate from a public CA names nobody in this grid. A
/// client's certificate must be meant for client authentication; another silo's (on the silo-to-silo connections,
/// <c>--grid-tls</c>) for server and client authentication both, so that a client's certificate, issued by the same CA,
/// does not make its holder a silo.
/// </summary>
/// <remarks>
/// Revocation is not checked (no CRL or OCSP is configured, as in ZooKeeper by default); the certificate must be within
/// its validity and, if it names its uses, be meant for the ones asked. A certificate that names no uses passes both
/// checks (RFC 5280: any use), so a grid whose clients and silos share a CA should issue certificates that name them.
/// </remarks>
public sealed class ClientCertificateVerifier(X509Certificate2Collection authorities)
{

    /// <summary>The CA certificates, as read from the bundle.</summary>
    public X509Certificate2Collection Authorities { get; } = authorities;

    /// <summary>True when <paramref name="certificate"/> chains to one of <see cref="Authorities"/>.</summary>
    /// <param name="certificate">The client's own certificate.</param>
    /// <param name="presented">The chain TLS built from what the client sent; only its intermediates are used.</param>
    public bool IsTrusted(X509Certificate2 certificate, X509Chain? presented) => Chains(certificate, presented, CertificateChains.ClientAuthentication);

    /// <summary>True when <paramref name="certificate"/>, another silo's, chains to one of <see cref="Authorities"/> and
    /// is meant for server and client authentication (a silo both accepts and opens silo-to-silo connections).</summary>
    public bool IsTrustedSilo(X509Certificate2 certificate, X509Chain? presented) =>
        Chains(certificate, presented, CertificateChains.ServerAuthentication, CertificateChains.ClientAuthentication);

    private bool Chains(X509Certificate2 certificate, X509Chain? presented, params Oid[] uses) =>
        CertificateChains.ChainsTo(certificate, presented, Authorities, uses);
}
