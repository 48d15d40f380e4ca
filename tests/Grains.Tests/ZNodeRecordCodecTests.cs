using OrleansCoord.Acls;
using OrleansCoord.Grains.ZNodes;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>The stored form of a znode: records from before ACLs and null data stay readable, ACLs and null data round-trip.</summary>
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

    [Theory]
    [InlineData(false, 0x81)]
    [InlineData(true, 0x82)]
    public void NullData_RoundTrips_WithTheFlagInTheFormatByte(bool withAcl, int formatByte)
    {
        var record = ZNodeRecord.Created(42, 1_700_000_000_000, null, CreateMode.Persistent, 0, 0, withAcl ? Acl.ReadUnsafe : null);
        Assert.True(record.NullData);
        Assert.Empty(record.Data);
        Assert.Equal(0, record.ToStat().DataLength);
        var bytes = ZNodeRecordCodec.Encode(record);
        Assert.Equal(formatByte, bytes[0]);
        var decoded = ZNodeRecordCodec.Decode(bytes);
        Assert.True(decoded.NullData);
        Assert.Empty(decoded.Data);
        Assert.Equal(record.Acl, decoded.Acl);
        Assert.Equal(record.ToStat(), decoded.ToStat());
    }

    [Fact]
    public void EmptyData_IsNotNull_AndKeepsTheFormatBeforeNullData()
    {
        var bytes = ZNodeRecordCodec.Encode(Sample with { Data = [] });
        Assert.Equal(1, bytes[0]);
        Assert.False(ZNodeRecordCodec.Decode(bytes).NullData);
    }

    [Fact]
    public void UnknownFormat_IsRefused()
    {
        var bytes = ZNodeRecordCodec.Encode(Sample);
        bytes[0] = 0x83;
        Assert.Throws<InvalidDataException>(() => ZNodeRecordCodec.Decode(bytes));
    }

    [Fact]
    public void DefaultAcl_IsNotStored()
    {
        Assert.Null(ZNodeRecord.Created(1, 1, [], CreateMode.Persistent, 0, 0, Acl.OpenUnsafe).Acl);
        Assert.Equal(Acl.ReadUnsafe, ZNodeRecord.Created(1, 1, [], CreateMode.Persistent, 0, 0, Acl.ReadUnsafe).Acl);
    }
}
