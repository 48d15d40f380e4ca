using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Sessions;
using OrleansCoord.Tls;

namespace OrleansCoord.Grains.Identities;

/// <summary>
/// Checks what a session's client sends to prove a certificate (docs/adr/017): the signature over the session's
/// challenge with the certificate's key (<see cref="CertificateProof"/>), then the certificate itself by the one rule of
/// every client-certificate check of the grid (<see cref="CertificateChains"/>: it chains to <c>--tls-ca</c> alone, is
/// meant for client authentication, every certificate of the chain within its validity), both by this silo's clock. Only then is its
/// subject an identity, formed as on the ZooKeeper secure port (<see cref="X509Identity"/>), so one ACL entry names the
/// client on both.
/// </summary>
public sealed class CertificateIdentities(ClientCertificateAuthorities authorities, TimeProvider time)
{
    /// <summary>At most this many intermediates are taken, each at most <see cref="MaxCertificateBytes"/>.</summary>
    private const int MaxIntermediates = 8;
    private const int MaxCertificateBytes = 16 * 1024;

    /// <summary>The identity <paramref name="certificate"/> proves for <paramref name="sessionId"/>, and its NotAfter in
    /// Unix milliseconds. Throws AuthFailed naming what is wrong.</summary>
    public (AuthId Identity, long NotAfterMs) Prove(long sessionId, byte[] challenge, byte[]? certificate, byte[][]? intermediates, byte[]? signature)
    {
        var trusted = authorities.Authorities
            ?? throw Refused("this grid trusts no CA for client certificates (the silos run without --tls-ca)");
        if (certificate is not { Length: > 0 and <= MaxCertificateBytes } || signature is not { Length: > 0 }
            || intermediates is null || intermediates.Length > MaxIntermediates || intermediates.Any(der => der is not { Length: > 0 and <= MaxCertificateBytes }))
        {
            throw Refused("the certificate, its intermediates or the signature are missing or too large");
        }

        using var presented = Load(certificate);
        if (!CertificateProof.Verify(presented, sessionId, challenge, signature))
            throw Refused("the signature is not this session's challenge signed with the certificate's key");

        var now = time.GetUtcNow();
        if (now < presented.NotBefore.ToUniversalTime() || now > presented.NotAfter.ToUniversalTime())
            throw Refused($"the certificate is valid from {presented.NotBefore.ToUniversalTime():O} to {presented.NotAfter.ToUniversalTime():O} only");

        using var helpers = new X509Chain();
        var loaded = intermediates.Select(Load).ToArray();
        try
        {
            helpers.ChainPolicy.ExtraStore.AddRange(loaded);
            if (!CertificateChains.ChainsTo(presented, helpers, trusted, now, CertificateChains.ClientAuthentication))
                throw Refused("the certificate does not chain to the grid's client CAs for client authentication");
        }
        finally
        {
            foreach (var intermediate in loaded) intermediate.Dispose();
        }

        return (X509Identity.For(presented), new DateTimeOffset(presented.NotAfter.ToUniversalTime()).ToUnixTimeMilliseconds());
    }

    private static X509Certificate2 Load(byte[] der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            throw Refused("not a DER certificate");
        }
    }

    private static CoordException Refused(string why) => CoordException.AuthFailed(X509Identity.Scheme, why);
}
