using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansCoord.Tls;

/// <summary>
/// The one rule by which every TLS peer check of the grid trusts a certificate (the gateway's in the SDK, a client's or
/// another silo's in the silo, an operator's at the admin HTTP ports): it chains to one of the configured CAs alone, not
/// to the system's roots, and is meant for the given uses; revocation is not checked and nothing is downloaded; the
/// intermediates the peer sent help build the chain. Linked as source into each project that checks a peer, so that
/// the rule is written once (docs/adr/015, 016).
/// </summary>
internal static class CertificateChains
{
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>True when <paramref name="certificate"/> chains to one of <paramref name="authorities"/> for all of
    /// <paramref name="uses"/>, now.</summary>
    /// <param name="certificate">The peer's own certificate.</param>
    /// <param name="presented">The chain TLS built from what the peer sent; only its intermediates are used.</param>
    /// <param name="authorities">The configured CAs: the only roots trusted.</param>
    /// <param name="uses">The extended key usages the certificate must allow (serverAuth, clientAuth).</param>
    public static bool ChainsTo(X509Certificate2 certificate, X509Chain? presented, X509Certificate2Collection authorities, params Oid[] uses) =>
        Build(certificate, presented, authorities, null, uses);

    /// <summary>As above, with every certificate of the chain valid at <paramref name="at"/>: the time of the caller's
    /// clock, when it checks the dates by that clock too (a grid's sessions, whose clock a test may move).</summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Chain? presented, X509Certificate2Collection authorities, DateTimeOffset at, params Oid[] uses) =>
        Build(certificate, presented, authorities, at, uses);

    private static bool Build(X509Certificate2 certificate, X509Chain? presented, X509Certificate2Collection authorities, DateTimeOffset? at, Oid[] uses)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(authorities);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        if (at is { } moment) policy.VerificationTime = moment.UtcDateTime;
        foreach (var use in uses) policy.ApplicationPolicy.Add(use);
        if (presented is not null) policy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
        return chain.Build(certificate);
    }
}
