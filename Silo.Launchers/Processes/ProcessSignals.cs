using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OrleansCoord.Silo.Launchers.Processes;

/// <summary>Stops child processes politely: SIGTERM first so they can flush, a kill only after a bounded wait.</summary>
/// <remarks>
/// <see cref="Process.Kill()"/> is SIGKILL on Unix. Azurite saves its table and blob metadata on SIGTERM,
/// and a silo leaves the cluster cleanly on it, so both deserve the chance.
/// </remarks>
internal static class ProcessSignals
{
    /// <summary>SIGTERM.</summary>
    public const int SigTerm = 15;

    /// <summary>SIGKILL.</summary>
    public const int SigKill = 9;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/> (Unix only); false when no such process could be signalled.</summary>
    public static bool Send(int pid, int signal) => SysKill(pid, signal) == 0;

    /// <summary>Sends SIGTERM (on Windows there is none: kills at once). False when the process is already gone.</summary>
    public static bool Terminate(Process process)
    {
        if (process.HasExited) return false;
        if (OperatingSystem.IsWindows())
        {
            process.Kill(entireProcessTree: true);
            return true;
        }

        return SysKill(process.Id, SigTerm) == 0;
    }

    /// <summary>SIGTERM, wait up to <paramref name="grace"/>, then kill the whole tree. Returns true if it exited on its own.</summary>
    public static async Task<bool> StopAsync(Process process, TimeSpan grace)
    {
        try
        {
            if (!Terminate(process)) return true;
            using var timeout = new CancellationTokenSource(grace);
            await process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return false;
        }
        catch (InvalidOperationException)
        {
            return true; // Never started or already reaped.
        }
    }
}
