using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Storage;

/// <summary>
/// The logical keys of the records in the tree store. A znode's key is its parent path, a separator and
/// its name, so that the children of a znode are exactly the keys with one prefix. The separator is a
/// control character, which paths cannot contain.
/// </summary>
internal static class TreeKeys
{
    private const char Separator = '\u0001';

    public const string RootKey = "n";
    public const string SessionRecordPrefix = "x:";
    public const string TtlIndexPrefix = "t:";
    public const string ContainerIndexPrefix = "k:";
    public const string SessionFencePrefix = "s:";
    public const string EphemeralIndexPrefix = "e:";

    public static string Node(string path) =>
        path == ZNodePath.Root ? RootKey : "n" + ZNodePath.Parent(path) + Separator + ZNodePath.Name(path);

    /// <summary>Prefix of the keys of all children of <paramref name="path"/>.</summary>
    public static string Children(string path) => "n" + path + Separator;

    /// <summary>Prefix of the keys of the descendants below the children of <paramref name="path"/>.</summary>
    public static string Grandchildren(string path) => path == ZNodePath.Root ? "n/" : "n" + path + "/";

    public static string ChildName(string childKey, string childrenPrefix) => childKey[childrenPrefix.Length..];

    /// <summary>The record of a session: its timeout and whether it is open or being closed.</summary>
    public static string SessionRecord(long sessionId) => SessionRecordPrefix + SessionHex(sessionId);

    /// <summary>
    /// A session's fence: it exists while the session is open. An ephemeral create touches it in the same
    /// transaction, so once the session closes no ephemeral of it can be created any more.
    /// </summary>
    public static string SessionFence(long sessionId) => SessionFencePrefix + SessionHex(sessionId);

    /// <summary>One row per ephemeral of a session, written with the node, so that expiry finds them.</summary>
    public static string EphemeralIndex(long sessionId, string path) => EphemeralPrefix(sessionId) + path;

    public static string EphemeralPrefix(long sessionId) => EphemeralIndexPrefix + SessionHex(sessionId) + Separator;

    public static string TtlIndex(string path) => TtlIndexPrefix + path;

    public static string ContainerIndex(string path) => ContainerIndexPrefix + path;

    public static long ParseSessionRecord(string key) =>
        long.Parse(key.AsSpan(SessionRecordPrefix.Length), System.Globalization.NumberStyles.HexNumber);

    public static bool IsSessionFence(string key) => key.StartsWith(SessionFencePrefix, StringComparison.Ordinal);

    private static string SessionHex(long sessionId) => sessionId.ToString("x16");
}
