namespace OrleansCoord.Silo.Launchers.Processes;

/// <summary>What Linux's /proc says of a process: whether it runs, and when it started (which tells a reused pid apart).</summary>
internal static class LinuxProcesses
{
    /// <summary>
    /// The process's start time in clock ticks since boot, or null when no such process runs (gone, a zombie, or not
    /// on Linux).
    /// </summary>
    public static long? StartTime(int pid)
    {
        try
        {
            // "pid (comm) S ppid ...": fields after the last ')' (comm may hold spaces and parentheses) start at the
            // state, field 3; the start time is field 22.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] is "Z" or "X") return null;
            return long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
