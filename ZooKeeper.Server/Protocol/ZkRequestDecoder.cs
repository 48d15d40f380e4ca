using OrleansCoord.ZooKeeper.Server.Jute;

namespace OrleansCoord.ZooKeeper.Server.Protocol;

/// <summary>Decodes a request packet (RequestHeader, then the record of its type).</summary>
internal static class ZkRequestDecoder
{
    /// <summary>The request, or a request with a null body when its type is unknown (the caller answers Unimplemented).</summary>
    /// <exception cref="JuteFormatException">The packet is shorter than its record.</exception>
    public static (int Xid, int Type, ZkRecord? Body) Decode(ReadOnlySpan<byte> packet)
    {
        var reader = new JuteReader(packet);
        var xid = reader.ReadInt();
        var type = reader.ReadInt();
        // Bytes after the record are ignored, as ZooKeeper ignores them.
        return (xid, type, DecodeBody(type, ref reader, allowMultiOps: true));
    }

    private static ZkRecord? DecodeBody(int type, ref JuteReader reader, bool allowMultiOps) => type switch
    {
        OpCode.Ping or OpCode.CloseSession or OpCode.WhoAmI => EmptyRecord.Instance,
        OpCode.Create or OpCode.Create2 or OpCode.CreateContainer =>
            new CreateRecord(reader.ReadString(), reader.ReadBuffer(), ZkAcl.ReadVector(ref reader), reader.ReadInt(), 0),
        OpCode.CreateTtl => new CreateRecord(reader.ReadString(), reader.ReadBuffer(), ZkAcl.ReadVector(ref reader), reader.ReadInt(), reader.ReadLong()),
        OpCode.Delete or OpCode.Check => new PathVersionRecord(reader.ReadString(), reader.ReadInt()),
        OpCode.Exists or OpCode.GetData or OpCode.GetChildren or OpCode.GetChildren2 => new PathWatchRecord(reader.ReadString(), reader.ReadBool()),
        OpCode.SetData => new SetDataRecord(reader.ReadString(), reader.ReadBuffer(), reader.ReadInt()),
        OpCode.GetAcl or OpCode.Sync or OpCode.GetAllChildrenNumber or OpCode.GetEphemerals => new PathRecord(reader.ReadString()),
        OpCode.SetAcl => new SetAclRecord(reader.ReadString(), ZkAcl.ReadVector(ref reader), reader.ReadInt()),
        OpCode.Multi or OpCode.MultiRead when allowMultiOps => DecodeMulti(ref reader),
        OpCode.SetWatches => new SetWatchesRecord(reader.ReadLong(), reader.ReadStringVector(), reader.ReadStringVector(), reader.ReadStringVector(), [], []),
        OpCode.SetWatches2 => new SetWatchesRecord(reader.ReadLong(), reader.ReadStringVector(), reader.ReadStringVector(), reader.ReadStringVector(),
            reader.ReadStringVector(), reader.ReadStringVector()),
        OpCode.AddWatch => new AddWatchRecord(reader.ReadString(), reader.ReadInt()),
        OpCode.RemoveWatches or OpCode.CheckWatches => new WatchTypeRecord(reader.ReadString(), reader.ReadInt()),
        OpCode.Auth => new AuthRecord(reader.ReadInt(), reader.ReadString(), reader.ReadBuffer()),
        _ => null,
    };

    /// <summary>A sequence of (MultiHeader, record) ending with a header whose done flag is set.</summary>
    private static MultiRecord DecodeMulti(ref JuteReader reader)
    {
        var ops = new List<(int, ZkRecord)>();
        while (true)
        {
            var type = reader.ReadInt();
            var done = reader.ReadBool();
            _ = reader.ReadInt();
            if (done) return new MultiRecord(ops);
            var body = type is OpCode.Create or OpCode.Create2 or OpCode.CreateContainer or OpCode.CreateTtl or OpCode.Delete
                or OpCode.SetData or OpCode.Check or OpCode.GetData or OpCode.GetChildren
                ? DecodeBody(type, ref reader, allowMultiOps: false)
                : null;
            ops.Add((type, body ?? throw new JuteFormatException($"op type {type} inside a multi")));
        }
    }
}
