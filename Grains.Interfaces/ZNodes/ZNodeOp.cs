using OrleansCoord.Acls;

namespace OrleansCoord.ZNodes;

/// <summary>One operation of a <c>multi</c>: applied all together or not at all.</summary>
[GenerateSerializer, Immutable]
public abstract record ZNodeOp([property: Id(0)] string Path);

[GenerateSerializer, Immutable]
public sealed record CreateOp(
    string Path,
    [property: Id(1)] byte[]? Data,
    [property: Id(2)] CreateMode Mode = CreateMode.Persistent,
    [property: Id(3)] long TtlMs = 0,
    [property: Id(4)] AclEntry[]? Acl = null) : ZNodeOp(Path);

[GenerateSerializer, Immutable]
public sealed record SetDataOp(string Path, [property: Id(1)] byte[]? Data, [property: Id(2)] int Version = -1) : ZNodeOp(Path);

[GenerateSerializer, Immutable]
public sealed record DeleteOp(string Path, [property: Id(1)] int Version = -1) : ZNodeOp(Path);

/// <summary>Succeeds when the znode exists with this version (-1: any version). Needs READ, as in ZooKeeper.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckOp(string Path, [property: Id(1)] int Version = -1) : ZNodeOp(Path);
