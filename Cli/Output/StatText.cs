using System.Globalization;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Cli.Output;

/// <summary>
/// A Stat in zkCli's layout (revisions in hex), with the times as dates in the local time zone: zkCli prints
/// <c>ctime = Sun Dec 06 10:36:59 UTC 2026</c>; here <c>ctime = 2026-12-06 10:36:59.123 +00:00</c>, which also keeps the
/// milliseconds and the offset, so that it can be compared and sorted. <c>--json</c> keeps epoch milliseconds.
/// </summary>
internal static class StatText
{
    public static string Format(Stat stat) =>
        $"cZxid = 0x{stat.Czxid:x}\nctime = {Date(stat.Ctime)}\nmZxid = 0x{stat.Mzxid:x}\nmtime = {Date(stat.Mtime)}\npZxid = 0x{stat.Pzxid:x}\n" +
        $"cversion = {stat.Cversion}\ndataVersion = {stat.Version}\naclVersion = {stat.Aversion}\n" +
        $"ephemeralOwner = 0x{stat.EphemeralOwner:x}\ndataLength = {stat.DataLength}\nnumChildren = {stat.NumChildren}";

    /// <summary>Epoch milliseconds as a local date, e.g. <c>2026-12-06 10:36:59.123 +00:00</c>.</summary>
    public static string Date(long epochMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss.fff zzz", CultureInfo.InvariantCulture);
}
