namespace OrleansCoord.ZNodes;

/// <summary>
/// A znode's metadata, with ZooKeeper's meaning. Revisions (czxid, mzxid, pzxid) are the grid's
/// 64-bit revisions (docs/adr/002-revisions.md); times are milliseconds since the Unix epoch.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Stat
{
    /// <summary>Revision of the create.</summary>
    [Id(0)] public long Czxid { get; init; }

    /// <summary>Revision of the last data change (or the create).</summary>
    [Id(1)] public long Mzxid { get; init; }

    /// <summary>Revision of the last change to the list of children (or the create).</summary>
    [Id(2)] public long Pzxid { get; init; }

    [Id(3)] public long Ctime { get; init; }

    [Id(4)] public long Mtime { get; init; }

    /// <summary>Number of data changes.</summary>
    [Id(5)] public int Version { get; init; }

    /// <summary>Number of changes to the children.</summary>
    [Id(6)] public int Cversion { get; init; }

    /// <summary>Number of ACL changes.</summary>
    [Id(7)] public int Aversion { get; init; }

    /// <summary>The owning session of an ephemeral node, else 0.</summary>
    [Id(8)] public long EphemeralOwner { get; init; }

    [Id(9)] public int DataLength { get; init; }

    [Id(10)] public int NumChildren { get; init; }

    public override string ToString() =>
        $"cZxid = 0x{Czxid:x}\nctime = {Ctime}\nmZxid = 0x{Mzxid:x}\nmtime = {Mtime}\npZxid = 0x{Pzxid:x}\n" +
        $"cversion = {Cversion}\ndataVersion = {Version}\naclVersion = {Aversion}\n" +
        $"ephemeralOwner = 0x{EphemeralOwner:x}\ndataLength = {DataLength}\nnumChildren = {NumChildren}";
}
