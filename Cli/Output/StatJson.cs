using System.Text;
using System.Text.Json.Nodes;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Cli.Output;

/// <summary>The JSON shapes shared by several commands.</summary>
internal static class StatJson
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A Stat with ZooKeeper's field names in camelCase; revisions as numbers (zkCli prints them in hex).</summary>
    public static JsonObject ToJson(Stat stat) => new()
    {
        ["czxid"] = stat.Czxid,
        ["mzxid"] = stat.Mzxid,
        ["pzxid"] = stat.Pzxid,
        ["ctime"] = stat.Ctime,
        ["mtime"] = stat.Mtime,
        ["version"] = stat.Version,
        ["cversion"] = stat.Cversion,
        ["aversion"] = stat.Aversion,
        ["ephemeralOwner"] = stat.EphemeralOwner,
        ["dataLength"] = stat.DataLength,
        ["numChildren"] = stat.NumChildren,
    };

    /// <summary>
    /// Node data for JSON: <c>data</c> is the UTF-8 text, or null when the bytes are not UTF-8;
    /// <c>dataBase64</c> is exact either way, for binary data.
    /// </summary>
    public static void AddData(JsonObject target, byte[] data)
    {
        target["data"] = TryDecode(data);
        target["dataBase64"] = Convert.ToBase64String(data);
    }

    /// <summary>The data as text, the way zkCli prints it (invalid UTF-8 shows as U+FFFD).</summary>
    public static string ToText(byte[] data) => Encoding.UTF8.GetString(data);

    private static string? TryDecode(byte[] data)
    {
        try
        {
            return StrictUtf8.GetString(data);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
