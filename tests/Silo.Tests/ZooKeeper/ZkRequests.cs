using static OrleansCoord.Silo.Tests.ZooKeeper.RawZkConnection;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>Request records as zookeeper.jute lays them out.</summary>
internal static class ZkRequests
{
    public static Packet Create(string path, string data = "", int flags = 0) =>
        new Packet().String(path).Buffer(System.Text.Encoding.UTF8.GetBytes(data)).OpenAcl().Int(flags);

    public static Packet PathWatch(string path, bool watch = false) => new Packet().String(path).Bool(watch);

    public static Packet Path(string path) => new Packet().String(path);

    public static Packet SetData(string path, string data, int version = -1) =>
        new Packet().String(path).Buffer(System.Text.Encoding.UTF8.GetBytes(data)).Int(version);

    public static Packet Delete(string path, int version = -1) => new Packet().String(path).Int(version);

    public static string Text(byte[]? data) => System.Text.Encoding.UTF8.GetString(data ?? []);
}
