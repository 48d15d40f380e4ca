using System.Security.Cryptography;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Sessions;

namespace OrleansCoord.Grains.Sessions;

/// <summary>
/// <c>addauth</c> for grid clients: the session checks what the client sends and answers with a credential that proves
/// the identity from then on (docs/adr/013-identities.md); a client certificate by proof of possession of its key
/// (docs/adr/017). The identities live in the credential, signed, not in the session's record: any silo verifies them,
/// and nothing is lost when this activation's silo dies.
/// </summary>
internal sealed partial class SessionGrain
{
    // The challenge of the next AddCertificate, used once (in memory: after a silo's death the client asks again).
    private byte[]? _challenge;

    public Task<CallerCredential> AddAuth(string scheme, string auth)
    {
        if (Record is not { Closing: false }) throw CoordException.SessionExpired(Id);
        var current = Caller.Credential;
        credentials.DemandSession(current, Id);
        var identity = Prove(scheme, auth);
        AuthId[] identities = current!.Identities.Contains(identity) ? current.Identities : [.. current.Identities, identity];
        return Task.FromResult(credentials.Issue(Id, identities, current.IdentitiesEndMs));
    }

    public Task<byte[]> CertificateChallenge()
    {
        if (Record is not { Closing: false }) throw CoordException.SessionExpired(Id);
        credentials.DemandSession(Caller.Credential, Id);
        _challenge = RandomNumberGenerator.GetBytes(CertificateProof.ChallengeLength);
        return Task.FromResult(_challenge);
    }

    public Task<CallerCredential> AddCertificate(byte[] certificate, byte[][] intermediates, byte[] signature)
    {
        if (Record is not { Closing: false }) throw CoordException.SessionExpired(Id);
        var current = Caller.Credential;
        credentials.DemandSession(current, Id);
        // One attempt per challenge, right or wrong: a signature seen once cannot be tried again.
        var challenge = _challenge ?? throw CoordException.AuthFailed("x509", "no challenge pending: ask CertificateChallenge first");
        _challenge = null;
        var (identity, notAfterMs) = certificates.Prove(Id, challenge, certificate, intermediates, signature);
        AuthId[] identities = current!.Identities.Contains(identity) ? current.Identities : [.. current.Identities, identity];
        return Task.FromResult(credentials.Issue(Id, identities, Math.Min(current.IdentitiesEndMs, notAfterMs)));
    }

    /// <summary>The identity <paramref name="auth"/> proves in <paramref name="scheme"/>, as ZooKeeper's
    /// DigestAuthenticationProvider: for digest, any <c>user:password</c> proves <c>digest:user:hash</c> (ACLs decide).</summary>
    private static AuthId Prove(string? scheme, string? auth)
    {
        // x509 is never asserted: a certificate is proven by AddCertificate (the SDK does it when it has one).
        if (scheme != "digest") throw CoordException.AuthFailed(scheme ?? "<null>", "only the digest scheme is supported (x509: prove the certificate)");
        if (string.IsNullOrEmpty(auth) || auth.IndexOf(':') <= 0) throw CoordException.AuthFailed(scheme, "digest auth is user:password");
        return new AuthId("digest", Acl.Digest(auth));
    }
}
