using OrleansCoord.Acls;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// The stored bytes of a <see cref="ZNodeRecord"/>: a version byte, the fields, then the data; format 2 adds the ACL
/// after the data. A record with the default ACL is written in format 1, so records from before ACLs read unchanged.
/// </summary>
internal static class ZNodeRecordCodec
{
    private const byte FormatVersion = 1;
    private const byte FormatWithAcl = 2;

    public static byte[] Encode(ZNodeRecord record)
    {
        using var stream = new MemoryStream(96 + record.Data.Length);
        using var writer = new BinaryWriter(stream);
        writer.Write(record.Acl is null ? FormatVersion : FormatWithAcl);
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
        var format = reader.ReadByte();
        if (format is not (FormatVersion or FormatWithAcl)) throw new InvalidDataException($"unknown znode record format {format}");
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
        };
        if (format == FormatVersion) return record;

        var acl = new AclEntry[reader.ReadInt32()];
        for (var i = 0; i < acl.Length; i++) acl[i] = new AclEntry((AclPerms)reader.ReadInt32(), reader.ReadString(), reader.ReadString());
        return record with { Acl = acl };
    }
}
