using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

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
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");
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
    public bool IsTrusted(X509Certificate2 certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(_authorities);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.ApplicationPolicy.Add(ClientAuthentication);
        if (presented is not null) policy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        return chain.Build(certificate);
    }
}
