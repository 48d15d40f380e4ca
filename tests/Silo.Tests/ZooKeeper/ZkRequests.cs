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

    /// <summary>A create whose data is a null buffer (length -1), as the Java client sends <c>create(path, null, …)</c>.</summary>
    public static Packet CreateNull(string path) => new Packet().String(path).Int(-1).OpenAcl().Int(0);

    /// <summary>A setData with a null buffer.</summary>
    public static Packet SetNull(string path, int version = -1) => new Packet().String(path).Int(-1).Int(version);

    public static Packet Delete(string path, int version = -1) => new Packet().String(path).Int(version);

    /// <summary>A MultiRequest: (MultiHeader, record) per op, then a header with done set.</summary>
    public static Packet Multi(params (int Type, Packet Body)[] ops)
    {
        var packet = new Packet();
        foreach (var (type, body) in ops) packet.Int(type).Bool(false).Int(-1).Bytes(body.ToArray());
        return packet.Int(-1).Bool(true).Int(-1);
    }

    /// <summary>A create with its own ACL (perms, scheme, id per entry).</summary>
    public static Packet CreateWithAcl(string path, string data, params (int Perms, string Scheme, string Id)[] acl) =>
        Acl(new Packet().String(path).Buffer(System.Text.Encoding.UTF8.GetBytes(data)), acl).Int(0);

    /// <summary>SetACLRequest: path, ACL, the expected ACL version.</summary>
    public static Packet SetAcl(string path, int version, params (int Perms, string Scheme, string Id)[] acl) =>
        Acl(new Packet().String(path), acl).Int(version);

    /// <summary>AuthPacket: type 0, scheme, auth bytes.</summary>
    public static Packet Auth(string scheme, string auth) => new Packet().Int(0).String(scheme).Buffer(System.Text.Encoding.UTF8.GetBytes(auth));

    public static Packet Acl(Packet packet, (int Perms, string Scheme, string Id)[] acl)
    {
        packet.Int(acl.Length);
        foreach (var (perms, scheme, id) in acl) packet.Int(perms).String(scheme).String(id);
        return packet;
    }

    public static string Text(byte[]? data) => System.Text.Encoding.UTF8.GetString(data ?? []);
}
