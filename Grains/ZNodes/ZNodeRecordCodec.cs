using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>The stored bytes of a <see cref="ZNodeRecord"/>: a version byte, the fields, then the data.</summary>
internal static class ZNodeRecordCodec
{
    private const byte FormatVersion = 1;

    public static byte[] Encode(ZNodeRecord record)
    {
        using var stream = new MemoryStream(96 + record.Data.Length);
        using var writer = new BinaryWriter(stream);
        writer.Write(FormatVersion);
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
        writer.Flush();
        return stream.ToArray();
    }

    public static ZNodeRecord Decode(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        var format = reader.ReadByte();
        if (format != FormatVersion) throw new InvalidDataException($"unknown znode record format {format}");
        return new ZNodeRecord
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
    }
}
