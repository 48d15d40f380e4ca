using System.Runtime.InteropServices;

namespace OrleansCoord.Tests.Shared;

/// <summary>POSIX signals to processes under test: freezing one (SIGSTOP) or interrupting a process group as a terminal does.</summary>
internal static class Signals
{
    public const int SigInt = 2, SigKill = 9, SigCont = 18, SigStop = 19;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    [DllImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    private static extern int SysGetPgid(int pid);

    /// <summary>Sends <paramref name="signal"/> to one process; throws when it is gone.</summary>
    public static void Send(int pid, int signal)
    {
        if (SysKill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Sends <paramref name="signal"/> to every process of a group (<c>kill -SIG -PGID</c>).</summary>
    public static void SendToGroup(int processGroup, int signal) => Send(-processGroup, signal);

    /// <summary>The process group of <paramref name="pid"/>.</summary>
    public static int ProcessGroupOf(int pid) =>
        SysGetPgid(pid) is var group and > 0 ? group : throw new InvalidOperationException($"getpgid({pid}) failed: errno {Marshal.GetLastPInvokeError()}");

    /// <summary>True while a process with this id exists (a zombie counts until its parent reaps it).</summary>
    public static bool IsAlive(int pid) => SysKill(pid, 0) == 0;
}
