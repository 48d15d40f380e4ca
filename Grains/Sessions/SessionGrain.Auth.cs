using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Sessions;

namespace OrleansCoord.Grains.Sessions;

/// <summary>
/// <c>addauth</c> for grid clients: the session checks what the client sends and answers with a credential that proves
/// the identity from then on (docs/adr/013-identities.md). The identities live in the credential, signed, not in the
/// session's record: any silo verifies them, and nothing is lost when this activation's silo dies.
/// </summary>
internal sealed partial class SessionGrain
{
    public Task<CallerCredential> AddAuth(string scheme, string auth)
    {
        if (_record is not { Closing: false }) throw CoordException.SessionExpired(Id);
        var current = Caller.Credential;
        credentials.DemandSession(current, Id);
        var identity = Prove(scheme, auth);
        AuthId[] identities = current!.Identities.Contains(identity) ? current.Identities : [.. current.Identities, identity];
        return Task.FromResult(credentials.Issue(Id, identities));
    }

    /// <summary>The identity <paramref name="auth"/> proves in <paramref name="scheme"/>, as ZooKeeper's
    /// DigestAuthenticationProvider: for digest, any <c>user:password</c> proves <c>digest:user:hash</c> (ACLs decide).</summary>
    private static AuthId Prove(string? scheme, string? auth)
    {
        if (scheme != "digest") throw CoordException.AuthFailed(scheme ?? "<null>", "only the digest scheme is supported");
        if (string.IsNullOrEmpty(auth) || auth.IndexOf(':') <= 0) throw CoordException.AuthFailed(scheme, "digest auth is user:password");
        return new AuthId("digest", Acl.Digest(auth));
    }
}
