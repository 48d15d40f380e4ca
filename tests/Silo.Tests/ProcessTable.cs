namespace OrleansCoord.Silo.Tests;

/// <summary>Processes as Linux's /proc lists them: finding one a silo under test started, and whether it still runs.</summary>
internal static class ProcessTable
{
    /// <summary>Pids of the running processes whose command line holds <paramref name="flag"/> followed by <paramref name="value"/>.</summary>
    public static int[] FindByArgument(string flag, string value)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid)) continue;
            try
            {
                var arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                var at = Array.IndexOf(arguments, flag);
                if (at >= 0 && at + 1 < arguments.Length && arguments[at + 1] == value && IsRunning(pid)) found.Add(pid);
            }
            catch (IOException) { /* Exited meanwhile. */ }
            catch (UnauthorizedAccessException) { /* Not ours. */ }
        }

        return [.. found];
    }

    /// <summary>
    /// SIGKILLs every running process whose command line holds <paramref name="flag"/> followed by <paramref name="value"/>
    /// (what a failed test left behind, found by its own folder).
    /// </summary>
    public static void KillByArgument(string flag, string value)
    {
        foreach (var pid in FindByArgument(flag, value))
        {
            try { Signals.Send(pid, Signals.SigKill); } catch (InvalidOperationException) { /* Gone meanwhile. */ }
        }
    }

    /// <summary>True while the process exists and is not a zombie (dead, waiting for a parent to reap it).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            // "pid (comm) S ...": the state follows the last ')' (comm may hold spaces and parentheses).
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault();
            return state is not ('Z' or 'X' or default(char));
        }
        catch (IOException)
        {
            return false; // DirectoryNotFound/FileNotFound: gone.
        }
    }
}
