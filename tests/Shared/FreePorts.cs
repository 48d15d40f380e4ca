using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansCoord.Tests.Shared;

/// <summary>Loopback ports for the processes a test starts: free when chosen, and never handed out twice while the
/// test host that took them lives — not by this host, not by another test host running beside it (compiled into every
/// test project; see tests/Directory.Build.props).</summary>
/// <remarks>A port is only checked free, then released for the child to bind a moment later. In between, a pick of
/// a parallel test in this host or in another test assembly's host could choose it too, and one of the two children
/// fails to bind (a CI run lost a whole fixture of 144 tests that way). So every port handed out is kept: in memory
/// for this host, and as a reservation file naming this host's process id for the others; a reservation whose process
/// is gone is taken over.</remarks>
internal static class FreePorts
{
    // Below the kernel's ephemeral range (32768-60999 on Linux, 49152 and up elsewhere): between a pick and the child
    // process's bind, no outgoing connection of a test running beside this one can take the port as its local one.
    // Clear of the fixed ports of the defaults and of Azurite (10000-10002, 11111, 30000, 8000-8001, 2181).
    private const int First = 20000;
    private const int Last = 29999;

    // Per user: on a machine several users share, one user's folder is not writable by another.
    private static readonly string ReservationDirectory = Path.Combine(Path.GetTempPath(), $"orleanscoord-test-ports-{Environment.UserName}");
    private static readonly HashSet<int> HandedOut = [];
    private static readonly int ThisProcess = Environment.ProcessId;

    /// <summary><paramref name="count"/> distinct ports, each free when chosen and reserved for this test host.</summary>
    public static int[] Pick(int count)
    {
        lock (HandedOut)
        {
            Directory.CreateDirectory(ReservationDirectory);
            var picked = new List<int>(count);
            var start = Random.Shared.Next(First, Last + 1);
            for (var offset = 0; offset <= Last - First && picked.Count < count; offset++)
            {
                var port = First + (start - First + offset) % (Last - First + 1);
                if (HandedOut.Contains(port) || !IsFree(port) || !TryReserve(port)) continue;
                HandedOut.Add(port);
                picked.Add(port);
            }

            if (picked.Count < count)
                throw new InvalidOperationException($"no {count} free ports left in {First}-{Last} ({HandedOut.Count} held by this test host)");
            return [.. picked];
        }
    }

    private static bool IsFree(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Creates the port's reservation file for this process; takes it over when its process is gone.</summary>
    private static bool TryReserve(int port)
    {
        var path = Path.Combine(ReservationDirectory, $"{port}");
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                file.Write(System.Text.Encoding.ASCII.GetBytes($"{ThisProcess}"));
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                if (IsHeldByLiveProcess(path)) return false;
                try
                {
                    File.Delete(path); // stale: its test host has exited; CreateNew decides if two hosts race for it
                }
                catch (IOException)
                {
                    return false;
                }
            }
            catch (IOException)
            {
                return false; // gone between CreateNew and Exists: another host's takeover; leave the port to it
            }
        }

        return false;
    }

    private static bool IsHeldByLiveProcess(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException)
        {
            return true; // being written or replaced right now: someone holds it
        }

        // An empty or half-written file is a reservation being made this instant: held.
        if (!int.TryParse(text, out var owner)) return true;
        if (owner == ThisProcess) return true; // ours from a pick that was not remembered: should not happen; stay clear
        try
        {
            using var process = Process.GetProcessById(owner);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
