using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansCoord.Tls;

namespace OrleansCoord.AdminAccess;

/// <summary>
/// The CAs whose client certificates open an admin port (<c>--http-client-ca</c>, <c>--admin-client-ca</c>): a
/// certificate counts only when it chains to one of exactly these, never to the machine's trusted roots.
/// </summary>
/// <remarks>
/// Revocation is not checked (no CRL or OCSP is configured); the certificate must be within its validity and, if it
/// names its uses, be meant for client authentication. Silo/Tls/ClientCertificateVerifier applies the same rules to the
/// ZooKeeper secure port; the admin ports take their own CA bundle so that a grid identity is not also an admin right.
/// </remarks>
public sealed class ClientCertificateAuthorities
{
    private readonly X509Certificate2Collection _authorities;

    private ClientCertificateAuthorities(X509Certificate2Collection authorities) => _authorities = authorities;

    /// <summary>Reads a PEM bundle; throws (IO or crypto exceptions) when it is unreadable or holds no certificate.</summary>
    public static ClientCertificateAuthorities Load(string path)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(path);
        if (authorities.Count == 0) throw new CryptographicException("no PEM certificate in it");
        return new ClientCertificateAuthorities(authorities);
    }

    /// <summary>True when <paramref name="certificate"/> chains to one of the configured CAs.</summary>
    /// <param name="certificate">The client's certificate.</param>
    /// <param name="presented">The chain TLS built from what the client sent; only its intermediates are used.</param>
    public bool IsTrusted(X509Certificate2 certificate, X509Chain? presented) =>
        CertificateChains.ChainsTo(certificate, presented, _authorities, CertificateChains.ClientAuthentication);
}
