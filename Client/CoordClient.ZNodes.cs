using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.SessionLayer;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Client;

public sealed partial class CoordClient
{
    /// <summary>Creates a znode and returns its path (with the sequence number for sequential modes).</summary>
    /// <param name="ttlMs">For the TTL modes: delete the node when it has not been changed for this long and has no children.</param>
    public async Task<string> CreateAsync(string path, byte[]? data = null, CreateMode mode = CreateMode.Persistent,
        long ttlMs = 0, CancellationToken cancellationToken = default) =>
        (await Create2Async(path, data, mode, ttlMs, cancellationToken)).Path;

    /// <summary>Creates a znode and returns its path and Stat (ZooKeeper's create2).</summary>
    public Task<CreateResult> Create2Async(string path, byte[]? data = null, CreateMode mode = CreateMode.Persistent,
        long ttlMs = 0, CancellationToken cancellationToken = default) =>
        Create2Async(path, data, null, mode, ttlMs, cancellationToken);

    /// <summary>Creates a znode with an ACL (<see cref="Acl.OpenUnsafe"/> when null; <see cref="Acl.CreatorAll"/> gives
    /// every permission to this session's identities from <see cref="AddAuthAsync"/>) and returns its path and Stat.</summary>
    /// <exception cref="CoordException">InvalidAcl for an empty or malformed ACL, or <c>auth</c> without an identity.</exception>
    public Task<CreateResult> Create2Async(string path, byte[]? data, IReadOnlyList<AclEntry>? acl, CreateMode mode = CreateMode.Persistent,
        long ttlMs = 0, CancellationToken cancellationToken = default)
    {
        ZNodeRequests.ValidateCreate(path, data, mode, ttlMs);
        var resolved = acl is null ? null : Acl.Resolve(path, acl, Identities);
        ThrowIfEnded();
        return Answer(_znodes.CreateAsync(path, data ?? [], mode, ttlMs, resolved, cancellationToken), path);
    }

    /// <summary>Reads data and Stat. Throws NoNode when the znode does not exist.</summary>
    public Task<NodeData> GetDataAsync(string path, CancellationToken cancellationToken = default)
    {
        ZNodePath.Validate(path);
        return Answer(_znodes.GetDataAsync(path, cancellationToken), path);
    }

    /// <summary>The Stat, or null when the znode does not exist.</summary>
    public Task<Stat?> ExistsAsync(string path, CancellationToken cancellationToken = default)
    {
        ZNodePath.Validate(path);
        return Answer(_znodes.ExistsAsync(path, cancellationToken), path);
    }

    /// <summary>Sets the data if the version matches (-1: any); returns the new Stat.</summary>
    public Task<Stat> SetDataAsync(string path, byte[]? data, int version = -1, CancellationToken cancellationToken = default)
    {
        ZNodeRequests.ValidateSet(path, data, version);
        ThrowIfEnded();
        return Answer(_znodes.SetDataAsync(path, data ?? [], version, cancellationToken), path);
    }

    /// <summary>Deletes the znode if the version matches (-1: any). Fails with NotEmpty when it has children.</summary>
    public Task DeleteAsync(string path, int version = -1, CancellationToken cancellationToken = default)
    {
        ZNodeRequests.ValidateDelete(path, version);
        ThrowIfEnded();
        return Answer(_znodes.DeleteAsync(path, version, cancellationToken), path);
    }

    /// <summary>The children's names (sorted) and the znode's Stat.</summary>
    public Task<ChildrenResult> GetChildrenAsync(string path, CancellationToken cancellationToken = default)
    {
        ZNodePath.Validate(path);
        return Answer(_znodes.GetChildrenAsync(path, cancellationToken), path);
    }

    /// <summary>The number of all descendants of the znode.</summary>
    public Task<int> GetAllChildrenNumberAsync(string path, CancellationToken cancellationToken = default)
    {
        ZNodePath.Validate(path);
        return Answer(_znodes.GetAllChildrenNumberAsync(path, cancellationToken), path);
    }

    /// <summary>Makes the next read of <paramref name="path"/> see every write acknowledged before this call.</summary>
    public Task SyncAsync(string path, CancellationToken cancellationToken = default)
    {
        ZNodePath.Validate(path);
        return Answer(_znodes.SyncAsync(path, cancellationToken), path);
    }

    /// <summary>Applies all ops in one step, or none. See <see cref="OpResult"/> for the results of a failed multi.</summary>
    public Task<OpResult[]> MultiAsync(IEnumerable<ZNodeOp> ops, CancellationToken cancellationToken = default)
    {
        // A null list is bad input like any other: BadArguments, not an ArgumentNullException from LINQ.
        // A create's ACL may name "auth": it becomes this session's identities before the grid sees it.
        // Null data is written as empty, as CreateAsync and SetDataAsync do (the SDK writes no null data, ADR 009).
        var list = ops?.Select(op => op switch
        {
            CreateOp { Acl: { } acl } create => create with { Acl = Acl.Resolve(create.Path, acl, Identities), Data = create.Data ?? [] },
            CreateOp { Data: null } create => create with { Data = [] },
            SetDataOp { Data: null } set => set with { Data = [] },
            _ => op,
        }).ToArray();
        ZNodeRequests.ValidateMulti(list);
        ThrowIfEnded();
        return Answer(_znodes.MultiAsync(list!, cancellationToken), null);
    }

    /// <summary>The session layer's outcome as the SDK answers it: the value, or the exception (RequestRunner's rules).</summary>
    private static async Task<T> Answer<T>(Task<GridCallOutcome<T>> call, string? path) => RequestRunner.ValueOrThrow(await call, path);
}
