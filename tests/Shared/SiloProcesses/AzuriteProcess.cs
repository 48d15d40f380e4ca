using System.Diagnostics;
using OrleansCoord.Silo.Launchers.Azurite;
using OrleansCoord.Silo.Launchers.Processes;

namespace OrleansCoord.Tests.Shared;

/// <summary>
/// An Azurite of one test's (or one fault run's) own, on free loopback ports and a fresh folder, from the repo's pinned
/// package (installed with npm ci when missing): the test may stop it (SIGTERM, so it saves) or kill it and start it
/// again on the same folder and ports, or freeze and thaw it, without disturbing the Azurite other tests share.
/// Dispose kills it and deletes the folder.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"coord-proc-azurite-{Guid.NewGuid():N}");
    private readonly int[] _ports = FreePorts.Pick(3);
    private readonly AzuritePackage _package = AzuritePackage.Locate();
    private OutputTail _output = new();
    private Process? _process;

    /// <summary>A connection string for this Azurite's blob, queue and table endpoints.</summary>
    public string ConnectionString => ConnectionStringFor(_ports);

    /// <summary>A connection string for an Azurite whose blob, queue and table endpoints listen on <paramref name="ports"/>.</summary>
    public static string ConnectionStringFor(int[] ports) => DevelopmentStorage.ConnectionStringFor(ports);

    /// <summary>What Azurite printed last (for failure messages).</summary>
    public string Output => _output.ToString();

    /// <summary>A new Azurite, started (<see cref="StartAsync()"/>); disposed if it does not come up.</summary>
    public static async Task<AzuriteProcess> StartNewAsync()
    {
        var azurite = new AzuriteProcess();
        try
        {
            await azurite.StartAsync();
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts Azurite (installing the pinned package first if needed) and waits until all three ports listen.</summary>
    public async Task StartAsync()
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("Azurite already runs");
        await _package.EnsureInstalledAsync(TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
        Directory.CreateDirectory(_dataDirectory);

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] args =
        [
            _package.EntryPoint, "--silent", "--location", _dataDirectory, "--skipApiVersionCheck", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{_ports[0]}", "--queuePort", $"{_ports[1]}", "--tablePort", $"{_ports[2]}",
        ];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        _output = new OutputTail();
        _process = Process.Start(start)!;
        _output.Attach(_process);

        var process = _process;
        await Poll.UntilAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"Azurite exited with {process.ExitCode}:\n{Output}");
            return (await PortProbe.ListeningAsync(_ports)).Length == _ports.Length;
        }, StartTimeout, () => $"Azurite not listening on {string.Join(", ", _ports)}:\n{Output}");
    }

    /// <summary>SIGTERM and wait: Azurite writes its table and blob metadata on the way out. True if it exited on its own.</summary>
    public async Task<bool> StopGracefullyAsync(TimeSpan grace)
    {
        if (_process is not { } process) return true;
        _process = null;
        var exitedOnItsOwn = await ProcessSignals.StopAsync(process, grace);
        process.Dispose();
        return exitedOnItsOwn;
    }

    /// <summary>SIGKILL, as a crash or a power cut: Azurite saves nothing it has not saved yet (its autosave runs every 5 s).</summary>
    public async Task KillHardAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        if (!process.HasExited) process.Kill();
        await process.WaitForExitAsync(CancellationToken.None);
        process.Dispose();
    }

    /// <summary>SIGSTOP: Azurite keeps its sockets open and answers nothing, as storage that hangs.</summary>
    public void Freeze() => Signal(Signals.SigStop);

    /// <summary>SIGCONT after <see cref="Freeze"/>: it answers again, the requests that waited included.</summary>
    public void Thaw() => Signal(Signals.SigCont);

    private void Signal(int signal)
    {
        if (_process is not { HasExited: false } process) throw new InvalidOperationException("Azurite does not run");
        Signals.Send(process.Id, signal);
    }

    /// <summary>Kills Azurite if it still runs and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            process.Dispose();
        }

        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { /* Never started. */ }
        catch (IOException) { /* Best effort: it is under /tmp. */ }
    }
}
