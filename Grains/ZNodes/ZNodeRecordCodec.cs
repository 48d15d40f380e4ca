using OrleansCoord.Acls;
using OrleansCoord.Grains.Storage.Records;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// The stored bytes of a <see cref="ZNodeRecord"/>: a version byte, the fields, then the data; format 2 adds the ACL
/// after the data. A record with the default ACL is written in format 1, so records from before ACLs read unchanged.
/// A record with null data (<see cref="ZNodeRecord.NullData"/>) sets the high bit of the version byte (0x81, 0x82) and
/// stores no data bytes (length 0); every other record is written as before, so records from before null data read
/// unchanged, and a silo without null data refuses a null-data record ("unknown format") rather than misread it.
/// </summary>
internal sealed class ZNodeRecordCodec : IRecordCodec<ZNodeRecord>
{
    public static readonly ZNodeRecordCodec Instance = new();

    private const byte FormatVersion = 1;
    private const byte FormatWithAcl = 2;
    private const byte NullDataFlag = 0x80;

    public static byte[] Encode(ZNodeRecord record)
    {
        using var stream = new MemoryStream(96 + record.Data.Length);
        using var writer = new BinaryWriter(stream);
        writer.Write((byte)((record.Acl is null ? FormatVersion : FormatWithAcl) | (record.NullData ? NullDataFlag : 0)));
        writer.Write(record.Czxid);
        writer.Write(record.Mzxid);
        writer.Write(record.Pzxid);
        writer.Write(record.Ctime);
        writer.Write(record.Mtime);
        writer.Write(record.Version);
        writer.Write(record.Cversion);
        writer.Write(record.Aversion);
        writer.Write(record.EphemeralOwner);
        writer.Write(record.NumChildren);
        writer.Write((int)record.Mode);
        writer.Write(record.TtlMs);
        writer.Write(record.NextSequence);
        writer.Write(record.Data.Length);
        writer.Write(record.Data);
        if (record.Acl is { } acl)
        {
            writer.Write(acl.Length);
            foreach (var entry in acl)
            {
                writer.Write((int)entry.Perms);
                writer.Write(entry.Scheme);
                writer.Write(entry.Id);
            }
        }

        writer.Flush();
        return stream.ToArray();
    }

    public static ZNodeRecord Decode(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        var versionByte = reader.ReadByte();
        var format = (byte)(versionByte & ~NullDataFlag);
        if (format is not (FormatVersion or FormatWithAcl)) throw new InvalidDataException($"unknown znode record format {versionByte}");
        var record = new ZNodeRecord
        {
            Czxid = reader.ReadInt64(),
            Mzxid = reader.ReadInt64(),
            Pzxid = reader.ReadInt64(),
            Ctime = reader.ReadInt64(),
            Mtime = reader.ReadInt64(),
            Version = reader.ReadInt32(),
            Cversion = reader.ReadInt32(),
            Aversion = reader.ReadInt32(),
            EphemeralOwner = reader.ReadInt64(),
            NumChildren = reader.ReadInt32(),
            Mode = (CreateMode)reader.ReadInt32(),
            TtlMs = reader.ReadInt64(),
            NextSequence = reader.ReadInt64(),
            Data = reader.ReadBytes(reader.ReadInt32()),
            NullData = (versionByte & NullDataFlag) != 0,
        };
        if (format == FormatVersion) return record;

        var acl = new AclEntry[reader.ReadInt32()];
        for (var i = 0; i < acl.Length; i++) acl[i] = new AclEntry((AclPerms)reader.ReadInt32(), reader.ReadString(), reader.ReadString());
        return record with { Acl = acl };
    }

    byte[] IRecordCodec<ZNodeRecord>.Encode(ZNodeRecord value) => Encode(value);

    ZNodeRecord IRecordCodec<ZNodeRecord>.Decode(byte[] bytes) => Decode(bytes);
}
