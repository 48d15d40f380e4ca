using OrleansCoord.Acls;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Explorer.Api;

/// <summary>The JSON shapes of the tree API. 64-bit ids travel as strings: JavaScript numbers lose their low bits.</summary>
internal static class NodeViews
{
    /// <summary>A Stat as the page shows it, with ZooKeeper's field names.</summary>
    public static object Of(Stat stat) => new
    {
        czxid = Hex(stat.Czxid),
        mzxid = Hex(stat.Mzxid),
        pzxid = Hex(stat.Pzxid),
        ctime = Time(stat.Ctime),
        mtime = Time(stat.Mtime),
        version = stat.Version,
        cversion = stat.Cversion,
        aversion = stat.Aversion,
        ephemeralOwner = Hex(stat.EphemeralOwner),
        dataLength = stat.DataLength,
        numChildren = stat.NumChildren,
    };

    /// <summary>An ACL entry as zkCli's getAcl prints it: <c>'world,'anyone</c> and <c>: cdrwa</c>.</summary>
    public static object Of(AclEntry entry) => new { scheme = entry.Scheme, id = entry.Id, perms = Perms(entry.Perms) };

    /// <summary>ZooKeeper's letters of a permission set, in zkCli's order: cdrwa.</summary>
    public static string Perms(AclPerms perms) =>
        string.Concat(
            perms.HasFlag(AclPerms.Create) ? "c" : "",
            perms.HasFlag(AclPerms.Delete) ? "d" : "",
            perms.HasFlag(AclPerms.Read) ? "r" : "",
            perms.HasFlag(AclPerms.Write) ? "w" : "",
            perms.HasFlag(AclPerms.Admin) ? "a" : "");

    private static string Hex(long value) => "0x" + value.ToString("x");

    private static string Time(long epochMs) => DateTimeOffset.FromUnixTimeMilliseconds(epochMs).ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'");
}
