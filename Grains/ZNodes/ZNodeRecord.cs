using OrleansCoord.Acls;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>A znode as stored: its Stat fields, mode, data, ACL and the counter for sequential children.</summary>
/// <remarks>Records are values: a change makes a new record, so a committed one can be shared safely.</remarks>
[GenerateSerializer, Immutable]
public sealed record ZNodeRecord
{
    [Id(0)] public long Czxid { get; init; }
    [Id(1)] public long Mzxid { get; init; }
    [Id(2)] public long Pzxid { get; init; }
    [Id(3)] public long Ctime { get; init; }
    [Id(4)] public long Mtime { get; init; }
    [Id(5)] public int Version { get; init; }
    [Id(6)] public int Cversion { get; init; }
    [Id(7)] public int Aversion { get; init; }
    [Id(8)] public long EphemeralOwner { get; init; }
    [Id(9)] public int NumChildren { get; init; }
    [Id(10)] public CreateMode Mode { get; init; }
    [Id(11)] public long TtlMs { get; init; }

    /// <summary>The number the next sequential child gets; never goes down, so numbers are never reused.</summary>
    [Id(12)] public long NextSequence { get; init; }

    /// <summary>The data; empty when <see cref="NullData"/>.</summary>
    [Id(13)] public byte[] Data { get; init; } = [];

    /// <summary>The ACL; null for world:anyone with every permission (the default, and every record from before ACLs).</summary>
    [Id(14)] public AclEntry[]? Acl { get; init; }

    /// <summary>
    /// The znode was created or last set with null data (a ZooKeeper client's null buffer), which reads back as null,
    /// as in ZooKeeper; <see cref="Data"/> is then empty and the Stat's dataLength 0.
    /// </summary>
    [Id(15)] public bool NullData { get; init; }

    /// <summary>The ACL as getACL shows it.</summary>
    public AclEntry[] EffectiveAcl => Acl ?? OrleansCoord.Acls.Acl.OpenUnsafe;

    /// <summary>The highest revision this record carries.</summary>
    public long Revision => Math.Max(Czxid, Math.Max(Mzxid, Pzxid));

    public Stat ToStat() => new()
    {
        Czxid = Czxid, Mzxid = Mzxid, Pzxid = Pzxid, Ctime = Ctime, Mtime = Mtime,
        Version = Version, Cversion = Cversion, Aversion = Aversion, EphemeralOwner = EphemeralOwner,
        DataLength = Data.Length, NumChildren = NumChildren,
    };

    /// <summary>A new znode created at <paramref name="revision"/>.</summary>
    /// <remarks>Null <paramref name="data"/> is kept as null (<see cref="NullData"/>).</remarks>
    public static ZNodeRecord Created(long revision, long nowMs, byte[]? data, CreateMode mode, long ttlMs, long owner, AclEntry[]? acl = null) => new()
    {
        Czxid = revision, Mzxid = revision, Pzxid = revision, Ctime = nowMs, Mtime = nowMs,
        Mode = mode, TtlMs = ttlMs, EphemeralOwner = owner, Data = data ?? [], NullData = data is null, Acl = StoredAcl(acl),
    };

    /// <summary>The ACL as a record keeps it: null when it is world:anyone with every permission.</summary>
    public static AclEntry[]? StoredAcl(AclEntry[]? acl) =>
        acl is null || acl.AsSpan().SequenceEqual(OrleansCoord.Acls.Acl.OpenUnsafe) ? null : acl;
}
