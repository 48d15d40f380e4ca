using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OrleansCoord.Robustness.Tests.Cluster;

/// <summary>
/// An Azurite of one run's own, on free loopback ports and a fresh folder, that the run may freeze (SIGSTOP) and
/// thaw (SIGCONT) without disturbing the Azurite that other tests share. Uses the repo's pinned package
/// (Silo.Launchers/Azurite; installed with npm ci when missing). Dispose kills it and deletes the folder.
/// </summary>
public sealed class OwnAzurite : IAsyncDisposable
{
    private const int SigStop = 19;
    private const int SigCont = 18;
    private readonly string _folder;
    private readonly int[] _ports;
    private readonly Process _process;

    private OwnAzurite(string folder, int[] ports, Process process)
    {
        _folder = folder;
        _ports = ports;
        _process = process;
    }

    public string ConnectionString => OrleansCoord.Silo.Launchers.Azurite.DevelopmentStorage.ConnectionStringFor(_ports);

    public static async Task<OwnAzurite> StartAsync()
    {
        // The pinned package, installed (npm ci, once, under a lock other test projects respect) when missing.
        var package = OrleansCoord.Silo.Launchers.Azurite.AzuritePackage.Locate();
        await package.EnsureInstalledAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        var entryPoint = package.EntryPoint;

        var ports = FreePorts.Pick(3);
        var folder = Path.Combine(Path.GetTempPath(), $"coord-chaos-azurite-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            entryPoint, "--silent", "--location", folder, "--skipApiVersionCheck", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{ports[0]}", "--queuePort", $"{ports[1]}", "--tablePort", $"{ports[2]}",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, line) => { if (line.Data is { } text) said.Enqueue(text); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is { } text) said.Enqueue(text); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new OwnAzurite(folder, ports, process);
        if (!await Poll.HoldsWithinAsync(async () => process.HasExited || await AllListenAsync(ports), TimeSpan.FromSeconds(60)) || process.HasExited)
        {
            await azurite.DisposeAsync();
            throw new InvalidOperationException($"Azurite did not listen on {string.Join(", ", ports)} within 60 s: {string.Join("\n", said)}");
        }

        return azurite;
    }

    /// <summary>Stops the process where it stands: connections stay open, requests hang.</summary>
    public void Freeze() => Signal(SigStop);

    public void Thaw() => Signal(SigCont);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal(SigCont);
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (IOException) { /* Under /tmp: best effort. */ }
    }

    private void Signal(int signal)
    {
        if (SysKill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    private static async Task<bool> AllListenAsync(int[] ports)
    {
        foreach (var port in ports)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try { await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)); }
            catch (SocketException) { return false; }
        }

        return true;
    }
}
