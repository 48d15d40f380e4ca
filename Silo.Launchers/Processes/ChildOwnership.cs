using System.Globalization;

namespace OrleansCoord.Silo.Launchers.Processes;

/// <summary>
/// A child process a silo started that may outlive it (the embedded Azurite, saving its tables on the way out; the
/// detached proxy, serving on), recorded in a file: which process, which silo started (or last adopted) it, and with
/// which flags. The silo started next reads it to tell a dead predecessor's child from one a live silo shares, and
/// waits for it to end (Azurite) or adopts it (the proxy).
/// </summary>
/// <remarks>
/// Pids are checked with their /proc start times, so a reused pid is never taken for the child or its owner. Layout:
/// one line "child-pid child-start owner-pid owner-start", then one flag per line (flags never hold a newline: ports,
/// addresses, ids, paths). Written to a temporary file and moved, so a reader never sees half of it.
/// </remarks>
internal sealed record ChildOwnership(int ChildPid, long ChildStart, int OwnerPid, long OwnerStart, IReadOnlyList<string> Arguments)
{
    /// <summary>True while the child named here runs.</summary>
    public bool ChildRuns => LinuxProcesses.StartTime(ChildPid) == ChildStart;

    /// <summary>True while the silo that started (or last adopted) it runs.</summary>
    public bool OwnerRuns => LinuxProcesses.StartTime(OwnerPid) == OwnerStart;

    /// <summary>True when the child was started with exactly <paramref name="arguments"/>.</summary>
    public bool StartedWith(IReadOnlyList<string> arguments) => Arguments.SequenceEqual(arguments, StringComparer.Ordinal);

    /// <summary>Records at <paramref name="path"/> that this process owns the child <paramref name="childPid"/>; false
    /// when either is not found in /proc (not on Linux, or the child already ended).</summary>
    public static bool Write(string path, int childPid, IReadOnlyList<string>? arguments = null)
    {
        var self = Environment.ProcessId;
        if (LinuxProcesses.StartTime(childPid) is not { } childStart || LinuxProcesses.StartTime(self) is not { } selfStart) return false;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllLines(path + ".tmp", [string.Join(' ', childPid, childStart, self, selfStart), .. arguments ?? []]);
        File.Move(path + ".tmp", path, overwrite: true);
        return true;
    }

    /// <summary>The record at <paramref name="path"/>, or null when there is none (or it cannot be read).</summary>
    public static ChildOwnership? Read(string path)
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

    /// <summary>Removes the record (after the child it names has stopped).</summary>
    public static void Remove(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* The folder is gone: so is the record. */ }
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
