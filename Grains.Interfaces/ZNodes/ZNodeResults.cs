using OrleansCoord.Acls;

namespace OrleansCoord.ZNodes;

/// <summary>Data and Stat of a znode, as read at one revision.</summary>
/// <param name="Data">The data; empty (never null) when <paramref name="DataIsNull"/>.</param>
/// <param name="DataIsNull">The znode was created or last set with null data, as a ZooKeeper client can (its null
/// buffer): ZooKeeper clients read it back as null. The SDK itself writes no null data.</param>
[GenerateSerializer, Immutable]
public sealed record NodeData([property: Id(0)] byte[] Data, [property: Id(1)] Stat Stat, [property: Id(2)] bool DataIsNull = false);

/// <summary>The names of a znode's children (sorted ordinally) and its Stat.</summary>
[GenerateSerializer, Immutable]
public sealed record ChildrenResult([property: Id(0)] string[] Children, [property: Id(1)] Stat Stat);

/// <summary>The path a create made (sequential names filled in) and the new node's Stat.</summary>
[GenerateSerializer, Immutable]
public sealed record CreateResult([property: Id(0)] string Path, [property: Id(1)] Stat Stat);

/// <summary>A create as the parent receives it.</summary>
/// <param name="Name">The child's name; for a sequential mode, the prefix of it.</param>
/// <param name="SessionId">The caller's session: owner of an ephemeral.</param>
/// <param name="MinRevision">The highest revision the caller has seen; the write gets a higher one.</param>
/// <param name="Data">The data; null is kept as null (ZooKeeper's null buffer, read back as null).</param>
/// <param name="Acl">The new node's ACL, resolved (<see cref="Acls.Acl.Resolve"/>); null is world:anyone with every permission.</param>
[GenerateSerializer, Immutable]
public sealed record CreateRequest(
    [property: Id(0)] string Name,
    [property: Id(1)] byte[]? Data,
    [property: Id(2)] CreateMode Mode,
    [property: Id(3)] long TtlMs,
    [property: Id(4)] long SessionId,
    [property: Id(5)] long MinRevision,
    [property: Id(6)] AclEntry[]? Acl = null);

/// <summary>A znode's ACL and its Stat (whose Aversion counts the ACL's changes).</summary>
[GenerateSerializer, Immutable]
public sealed record AclResult([property: Id(0)] AclEntry[] Acl, [property: Id(1)] Stat Stat);
