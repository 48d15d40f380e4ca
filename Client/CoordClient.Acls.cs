using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Sessions;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Client;

/// <summary>
/// ACLs as ZooKeeper has them: the session proves identities to the grid (<see cref="AddAuthAsync"/>), the grid answers
/// with a signed credential that goes with every request, and the grid checks it against each znode's ACL (NoAuth).
/// This client never asserts an identity itself (docs/adr/013-identities.md).
/// </summary>
public sealed partial class CoordClient
{
    private readonly SemaphoreSlim _authGate = new(1, 1);
    private CallerCredential _credential;

    /// <summary>The identities this session has proved to the grid (<c>digest:user:hash</c>, ...).</summary>
    public IReadOnlyList<AuthId> AuthIds => Credential.Identities;

    /// <summary>What each call carries: the session's secret and the identities the grid signed for it. Replaced, never
    /// changed in place: a request in flight keeps the one it took.</summary>
    internal CallerCredential Credential => Volatile.Read(ref _credential);

    private AuthId[] Identities => Credential.Identities;

    /// <summary>
    /// Proves an identity to the grid for this session, like ZooKeeper's <c>addAuthInfo</c> / zkCli's <c>addauth</c>:
    /// the credential goes to the session's grain once, which computes the identity and hands back a credential that
    /// carries it. Only the <c>digest</c> scheme is known, with <paramref name="auth"/> = <c>user:password</c>; anything
    /// else fails with AuthFailed (and, unlike ZooKeeper, leaves the session usable).
    /// </summary>
    public async Task AddAuthAsync(string scheme, string auth)
    {
        ThrowIfEnded();
        if (scheme != "digest") throw CoordException.AuthFailed(scheme ?? "<null>", "only the digest scheme is supported");
        if (string.IsNullOrEmpty(auth) || auth.IndexOf(':') <= 0) throw CoordException.AuthFailed(scheme, "digest auth is user:password");

        // One at a time: each starts from the credential the previous one returned, so none is lost.
        await _authGate.WaitAsync();
        try
        {
            var session = _grains.GetGrain<ISessionGrain>(SessionId);
            var added = await _runner.RunAsync(null, idempotent: true,
                () => { Caller.Use(Credential); return session.AddAuth(scheme, auth); }, CancellationToken.None);
            Volatile.Write(ref _credential, added);
        }
        finally
        {
            _authGate.Release();
        }
    }

    /// <summary>A heartbeat's renewal of <paramref name="sent"/> (docs/adr/017); dropped if an AddAuth replaced the
    /// credential meanwhile (its answer is as new and carries the added identity).</summary>
    private void Renewed(CallerCredential sent, CallerCredential fresh) => Interlocked.CompareExchange(ref _credential, fresh, sent);

    /// <summary>
    /// Proves <paramref name="certificate"/> to the grid (docs/adr/017): the session's grain hands out a challenge, this
    /// client signs it with the certificate's key, the grid checks the signature, the certificate's chain to its
    /// <c>--tls-ca</c>, its use and dates, and answers a credential with <c>x509:SUBJECT</c>. AuthFailed when refused.
    /// </summary>
    private async Task ProveCertificateAsync(X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        await _authGate.WaitAsync(cancellationToken);
        try
        {
            var session = _grains.GetGrain<ISessionGrain>(SessionId);
            var proven = await _runner.RunAsync(null, idempotent: true, async () =>
            {
                Caller.Use(Credential);
                var challenge = await session.CertificateChallenge();
                byte[] signature;
                try
                {
                    signature = CertificateProof.Sign(certificate, SessionId, challenge);
                }
                catch (CryptographicException exception)
                {
                    throw CoordException.AuthFailed("x509", exception.Message);
                }

                return await session.AddCertificate(certificate.RawData, [], signature);
            }, cancellationToken);
            Volatile.Write(ref _credential, proven);
        }
        finally
        {
            _authGate.Release();
        }
    }

    /// <summary>The znode's ACL and Stat (digest hashes hidden without ADMIN). Needs READ or ADMIN.</summary>
    public Task<AclResult> GetAclAsync(string path, CancellationToken cancellationToken = default)
    {
        ZNodePath.Validate(path);
        return Answer(_znodes.GetAclAsync(path, cancellationToken), path);
    }

    /// <summary>Replaces the znode's ACL if its ACL version matches (-1: any); returns the new Stat. Needs ADMIN.</summary>
    public Task<Stat> SetAclAsync(string path, IReadOnlyList<AclEntry> acl, int aclVersion = -1, CancellationToken cancellationToken = default)
    {
        ZNodePath.Validate(path);
        ZNodeRequests.ValidateVersion(path, aclVersion);
        var resolved = Acl.Resolve(path, acl, Identities);
        ThrowIfEnded();
        return Answer(_znodes.SetAclAsync(path, resolved, aclVersion, cancellationToken), path);
    }

    /// <summary>Creates a znode with an ACL and returns its path (with the sequence number for sequential modes).</summary>
    public async Task<string> CreateAsync(string path, byte[]? data, IReadOnlyList<AclEntry>? acl, CreateMode mode = CreateMode.Persistent,
        long ttlMs = 0, CancellationToken cancellationToken = default) =>
        (await Create2Async(path, data, acl, mode, ttlMs, cancellationToken)).Path;
}
