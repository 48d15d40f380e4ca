using OrleansCoord.Acls;
using OrleansCoord.Grains.ZNodes;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>The stored form of a znode: records from before ACLs stay readable, ACLs round-trip.</summary>
public sealed class ZNodeRecordCodecTests
{
    private static readonly ZNodeRecord Sample = ZNodeRecord.Created(42, 1_700_000_000_000, [1, 2, 3], CreateMode.PersistentSequential, 0, 0) with
    {
        Version = 3, Cversion = 2, Aversion = 1, NumChildren = 2, NextSequence = 7,
    };

    [Fact]
    public void RecordWithoutAcl_IsWrittenInTheFormatBeforeAcls_AndReadsAsWorldAnyone()
    {
        var bytes = ZNodeRecordCodec.Encode(Sample);
        Assert.Equal(1, bytes[0]);
        var decoded = ZNodeRecordCodec.Decode(bytes);
        Assert.Null(decoded.Acl);
        Assert.Equal(Acl.OpenUnsafe, decoded.EffectiveAcl);
        Assert.Equal(Sample.ToStat(), decoded.ToStat());
        Assert.Equal((Sample.NextSequence, Sample.Mode), (decoded.NextSequence, decoded.Mode));
        Assert.Equal(Sample.Data, decoded.Data);
    }

    [Fact]
    public void RecordWithAcl_RoundTrips()
    {
        AclEntry[] acl = [Acl.DigestEntry("alice", "secret", AclPerms.All), new(AclPerms.Read, "ip", "10.0.0.0/8")];
        var record = Sample with { Acl = acl };
        var bytes = ZNodeRecordCodec.Encode(record);
        Assert.Equal(2, bytes[0]);
        var decoded = ZNodeRecordCodec.Decode(bytes);
        Assert.Equal(acl, decoded.Acl);
        Assert.Equal(record.ToStat(), decoded.ToStat());
        Assert.Equal(record.Data, decoded.Data);
    }

    [Fact]
    public void DefaultAcl_IsNotStored()
    {
        Assert.Null(ZNodeRecord.Created(1, 1, [], CreateMode.Persistent, 0, 0, Acl.OpenUnsafe).Acl);
        Assert.Equal(Acl.ReadUnsafe, ZNodeRecord.Created(1, 1, [], CreateMode.Persistent, 0, 0, Acl.ReadUnsafe).Acl);
    }
}
