using OrleansCoord.Acls;

namespace OrleansCoord.ZNodes;

/// <summary>
/// One znode, keyed by its path. It owns its data and Stat, and is the authority for its children:
/// creates and deletes of a child are sent to the parent. Errors are <see cref="Errors.CoordException"/>.
/// </summary>
/// <remarks>Calls are checked against the znode's ACL with the identities in <see cref="Caller"/> (NoAuth).</remarks>
[Alias("coord.znode")]
public interface IZNodeGrain : IGrainWithStringKey
{
    /// <summary>Creates a child of this znode.</summary>
    [Alias("create")] Task<CreateResult> CreateChild(CreateRequest request);

    /// <summary>Deletes the child <paramref name="name"/> if its version matches (-1: any).</summary>
    [Alias("delete")] Task DeleteChild(string name, int expectedVersion, long minRevision);

    [Alias("get")] Task<NodeData> GetData();

    /// <summary>The Stat, or null when the znode does not exist.</summary>
    [Alias("exists")] Task<Stat?> Exists();

    /// <summary>Sets the data if the version matches (-1: any); null data is kept as null (ZooKeeper's null buffer).</summary>
    [Alias("set")] Task<Stat> SetData(byte[]? data, int expectedVersion, long minRevision);

    [Alias("children")] Task<ChildrenResult> GetChildren();

    /// <summary>The number of all descendants (children, grandchildren, ...).</summary>
    [Alias("count")] Task<int> GetAllChildrenNumber();

    /// <summary>
    /// Re-validates this znode against storage, so that the next read through it sees every write
    /// acknowledged before the call. Returns the znode's current revision (0 when it does not exist).
    /// </summary>
    [Alias("sync")] Task<long> Sync();

    /// <summary>The ACL (digest hashes hidden from a caller without ADMIN) and the Stat. Needs READ or ADMIN.</summary>
    [Alias("get-acl")] Task<AclResult> GetAcl();

    /// <summary>Replaces the ACL if the ACL version matches (-1: any); bumps the ACL version. Needs ADMIN.</summary>
    [Alias("set-acl")] Task<Stat> SetAcl(AclEntry[] acl, int expectedAversion, long minRevision);
}
