using OrleansCoord.ZooKeeper.Server.Jute;
using OrleansCoord.ZNodes;

namespace OrleansCoord.ZooKeeper.Server.Protocol;

/// <summary>The jute layout of a Stat: czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner,
/// dataLength, numChildren, pzxid (org.apache.zookeeper.data.Stat).</summary>
internal static class StatWire
{
    public static void WriteStat(this JuteWriter writer, Stat stat)
    {
        writer.WriteLong(stat.Czxid);
        writer.WriteLong(stat.Mzxid);
        writer.WriteLong(stat.Ctime);
        writer.WriteLong(stat.Mtime);
        writer.WriteInt(stat.Version);
        writer.WriteInt(stat.Cversion);
        writer.WriteInt(stat.Aversion);
        writer.WriteLong(stat.EphemeralOwner);
        writer.WriteInt(stat.DataLength);
        writer.WriteInt(stat.NumChildren);
        writer.WriteLong(stat.Pzxid);
    }
}
