using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Client;

/// <summary>
/// ACLs as ZooKeeper has them: the session's identities (<see cref="AddAuthAsync"/>) go with every request and the
/// grid checks them against each znode's ACL (NoAuth). Grid clients are trusted cluster members: the grid takes the
/// identities this client computes (docs/adr/009-zookeeper-protocol.md).
/// </summary>
public sealed partial class CoordClient
{
    private readonly Lock _identitiesLock = new();
    private volatile AuthId[] _identities = [];

    /// <summary>The identities this session has added (<c>digest:user:hash</c>, ...).</summary>
    public IReadOnlyList<AuthId> AuthIds => _identities;

    /// <summary>Replaced, never changed in place: a request in flight keeps the array it took.</summary>
    private AuthId[] Identities => _identities;

    /// <summary>
    /// Adds an identity to this session, like ZooKeeper's <c>addAuthInfo</c> / zkCli's <c>addauth</c>. Only the
    /// <c>digest</c> scheme is known, with <paramref name="auth"/> = <c>user:password</c>; anything else fails with
    /// AuthFailed (and, unlike ZooKeeper, leaves the session usable).
    /// </summary>
    public Task AddAuthAsync(string scheme, string auth)
    {
        ThrowIfEnded();
        if (scheme != "digest") throw CoordException.AuthFailed(scheme ?? "<null>", "only the digest scheme is supported");
        if (string.IsNullOrEmpty(auth) || auth.IndexOf(':') <= 0) throw CoordException.AuthFailed(scheme, "digest auth is user:password");
        var identity = new AuthId("digest", Acl.Digest(auth));
        lock (_identitiesLock)
        {
            if (!_identities.Contains(identity)) _identities = [.. _identities, identity];
        }

        return Task.CompletedTask;
    }

    /// <summary>The znode's ACL and Stat (digest hashes hidden without ADMIN). Needs READ or ADMIN.</summary>
    public Task<AclResult> GetAclAsync(string path, CancellationToken cancellationToken = default)
    {
        ZNodePath.Validate(path);
        return Read(path, async () =>
        {
            var result = await Node(path).GetAcl();
            ObserveRevision(Math.Max(result.Stat.Mzxid, result.Stat.Pzxid));
            return result;
        }, cancellationToken);
    }

    /// <summary>Replaces the znode's ACL if its ACL version matches (-1: any); returns the new Stat. Needs ADMIN.</summary>
    public Task<Stat> SetAclAsync(string path, IReadOnlyList<AclEntry> acl, int aclVersion = -1, CancellationToken cancellationToken = default)
    {
        ZNodePath.Validate(path);
        ZNodeRequests.ValidateVersion(path, aclVersion);
        var resolved = Acl.Resolve(path, acl, Identities);
        ThrowIfEnded();
        return Write(path, () => Node(path).SetAcl(resolved, aclVersion, LastRevision), cancellationToken);
    }

    /// <summary>Creates a znode with an ACL and returns its path (with the sequence number for sequential modes).</summary>
    public async Task<string> CreateAsync(string path, byte[]? data, IReadOnlyList<AclEntry>? acl, CreateMode mode = CreateMode.Persistent,
        long ttlMs = 0, CancellationToken cancellationToken = default) =>
        (await Create2Async(path, data, acl, mode, ttlMs, cancellationToken)).Path;
}
