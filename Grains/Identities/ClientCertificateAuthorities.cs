using System.Security.Cryptography.X509Certificates;

namespace OrleansCoord.Grains.Identities;

/// <summary>
/// The CAs whose client certificates may prove <c>x509:</c> identities to sessions (docs/adr/017): the silo host's
/// <c>--tls-ca</c> bundle, the same files the ZooKeeper secure port and the TLS gateway check client certificates
/// against. The grid adds none of its own.
/// </summary>
/// <param name="authorities">The CA certificates; null or empty: this silo proves no certificate (AuthFailed).</param>
public sealed class ClientCertificateAuthorities(X509Certificate2Collection? authorities)
{
    /// <summary>The CA certificates; null when none are configured.</summary>
    public X509Certificate2Collection? Authorities { get; } = authorities is { Count: > 0 } ? authorities : null;
}
