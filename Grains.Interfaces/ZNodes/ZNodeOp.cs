namespace OrleansCoord.ZNodes;

/// <summary>One operation of a <c>multi</c>: applied all together or not at all.</summary>
[GenerateSerializer, Immutable]
public abstract record ZNodeOp([property: Id(0)] string Path);

[GenerateSerializer, Immutable]
public sealed record CreateOp(
    string Path,
    [property: Id(1)] byte[] Data,
    [property: Id(2)] CreateMode Mode = CreateMode.Persistent,
    [property: Id(3)] long TtlMs = 0) : ZNodeOp(Path);

[GenerateSerializer, Immutable]
public sealed record SetDataOp(string Path, [property: Id(1)] byte[] Data, [property: Id(2)] int Version = -1) : ZNodeOp(Path);

[GenerateSerializer, Immutable]
public sealed record DeleteOp(string Path, [property: Id(1)] int Version = -1) : ZNodeOp(Path);

/// <summary>Succeeds when the znode exists with this version (-1: any version).</summary>
[GenerateSerializer, Immutable]
public sealed record CheckOp(string Path, [property: Id(1)] int Version = -1) : ZNodeOp(Path);
