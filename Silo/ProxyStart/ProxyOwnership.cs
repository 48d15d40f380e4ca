using System.Globalization;
using OrleansCoord.Silo.Azurite;

namespace OrleansCoord.Silo.ProxyStart;

/// <summary>
/// Which proxy a silo started for a cluster, which silo did, and with which flags: a file beside the proxy's snapshot
/// (<c>.data/proxy/owner-&lt;cluster-id&gt;</c>), so that the silo started after one that died takes over the proxy
/// that kept serving instead of starting a second one on the same ports.
/// </summary>
/// <remarks>
/// Pids are checked with their /proc start times (as <see cref="AzuriteOwnership"/> does), so a reused pid is never
/// taken for the proxy or its silo. The flags are kept because a proxy following another gateway or listening on other
/// ports is not the proxy this silo would start.
/// </remarks>
internal sealed record ProxyOwnership(int ProxyPid, long ProxyStart, int SiloPid, long SiloStart, IReadOnlyList<string> Arguments)
{
    /// <summary>True while the proxy named here runs.</summary>
    public bool ProxyRuns => LinuxProcesses.StartTime(ProxyPid) == ProxyStart;

    /// <summary>True while the silo that started (or last adopted) it runs.</summary>
    public bool SiloRuns => LinuxProcesses.StartTime(SiloPid) == SiloStart;

    /// <summary>True when the proxy was started with exactly <paramref name="arguments"/>.</summary>
    public bool StartedWith(IReadOnlyList<string> arguments) => Arguments.SequenceEqual(arguments, StringComparer.Ordinal);

    /// <summary>The record's path for the snapshot at <paramref name="snapshotPath"/>.</summary>
    public static string PathFor(string snapshotPath, string clusterId) =>
        Path.Combine(Path.GetDirectoryName(snapshotPath)!, $"owner-{clusterId}");

    /// <summary>Records that this process owns the proxy with pid <paramref name="proxyPid"/>; false when either is not found in /proc.</summary>
    public static bool Write(string path, int proxyPid, IReadOnlyList<string> arguments)
    {
        var self = Environment.ProcessId;
        if (LinuxProcesses.StartTime(proxyPid) is not { } proxyStart || LinuxProcesses.StartTime(self) is not { } selfStart) return false;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // One line of numbers, then one flag per line (flags never hold a newline: ports, addresses, ids, a path).
        File.WriteAllLines(path + ".tmp", [string.Join(' ', proxyPid, proxyStart, self, selfStart), .. arguments]);
        File.Move(path + ".tmp", path, overwrite: true);
        return true;
    }

    /// <summary>The record at <paramref name="path"/>, or null when there is none (or it cannot be read).</summary>
    public static ProxyOwnership? Read(string path)
    {
        try
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length == 0) return null;
            var parts = lines[0].Split(' ');
            return parts.Length == 4
                ? new(Int(parts[0]), Long(parts[1]), Int(parts[2]), Long(parts[3]), lines[1..])
                : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>Removes the record (after the proxy it names has stopped).</summary>
    public static void Remove(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* The folder is gone: so is the record. */ }
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
