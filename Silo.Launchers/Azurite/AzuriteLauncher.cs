using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansCoord.Silo.Launchers.Processes;

namespace OrleansCoord.Silo.Launchers.Azurite;

/// <summary>
/// Makes sure Azurite listens on 127.0.0.1 on its blob, queue and table ports (10000-10002 unless told otherwise):
/// uses one that already runs, else installs the pinned package and starts it on <paramref name="dataDirectory"/>.
/// Stops only an Azurite it started.
/// </summary>
/// <remarks>
/// An Azurite it starts runs in a session of its own (through <c>setsid</c> where there is one), so that Ctrl-C in
/// the silo's terminal, which signals the whole foreground process group, leaves it running until the silo has shut
/// down (the silo needs storage to leave the cluster); the silo stops it after Orleans (hosted services stop in
/// reverse order). It also ends when the silo dies without stopping it: exit-with-silo.cjs, preloaded, ends it when
/// its stdin, whose other end only the silo holds, reads end-of-file.
/// </remarks>
internal sealed partial class AzuriteLauncher(AzuritePackage package, string dataDirectory, ILogger logger, int[]? ports = null) : IAsyncDisposable
{
    private static readonly string? Setsid = FindSetsid();

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    /// <summary>How long a dead silo's Azurite may take to save and exit: exit-with-silo.cjs gives it 10 s.</summary>
    private static readonly TimeSpan EndingTimeout = TimeSpan.FromSeconds(30);

    private readonly int[] _ports = ports ?? DevelopmentStorage.Ports;
    private readonly OutputTail _output = new();
    private Process? _process;

    /// <summary>True when this launcher started the Azurite that runs now (and so will stop it).</summary>
    public bool OwnsAzurite => _process is { HasExited: false };

    /// <summary>Returns once all three ports accept connections; throws <see cref="AzuriteException"/> with the reason otherwise.</summary>
    public async Task EnsureRunningAsync(CancellationToken cancellationToken)
    {
        await WaitForPredecessorsAzuriteAsync(cancellationToken);
        var listening = await PortProbe.ListeningAsync(_ports, cancellationToken);
        if (listening.Length == _ports.Length)
        {
            LogUsingRunning(logger, PortList);
            return;
        }

        if (listening.Length > 0)
        {
            // Starting Azurite would fail on the taken port, and a partial emulator is not what the user meant.
            throw new AzuriteException($"port(s) {string.Join(", ", listening)} are taken but {string.Join(", ", _ports.Except(listening))} are not: " +
                "stop whatever holds them, or start Azurite yourself");
        }

        await package.EnsureInstalledAsync(InstallTimeout, cancellationToken);
        Directory.CreateDirectory(dataDirectory);
        _process = AzuritePackage.StartOrThrow(StartInfo(), "Node.js is needed to run Azurite");
        _output.Attach(_process);

        if (!await WaitForPortsAsync(cancellationToken))
        {
            await StopAsync();
            throw new AzuriteException($"Azurite did not listen on {PortList} within {StartTimeout.TotalSeconds:0} s:{Environment.NewLine}{_output}");
        }

        if (_process.HasExited)
        {
            // Another silo won the race and started it first: use theirs.
            _process = null;
            LogUsingRunning(logger, PortList);
            return;
        }

        ChildOwnership.Write(OwnerFile, _process.Id);
        LogStarted(logger, _process.Id, dataDirectory);
    }

    /// <summary>Which Azurite a silo started on this folder, and which silo (<see cref="ChildOwnership"/>).</summary>
    private string OwnerFile => Path.Combine(dataDirectory, "azurite-owner");

    /// <summary>
    /// When the Azurite a dead silo started on this folder still runs (it saves its tables on the way out), waits until
    /// it has exited: using it would lose what it accepts after its final save, and starting another on the folder
    /// first would load the tables from before that save (docs/GUARANTEES.md, item 1).
    /// </summary>
    private async Task WaitForPredecessorsAzuriteAsync(CancellationToken cancellationToken)
    {
        if (ChildOwnership.Read(OwnerFile) is not { ChildRuns: true, OwnerRuns: false } ending) return;
        LogWaitingForEnding(logger, ending.ChildPid, ending.OwnerPid);
        var deadline = DateTime.UtcNow + EndingTimeout;
        while (ending.ChildRuns)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new AzuriteException($"the Azurite (pid {ending.ChildPid}) that a silo which is gone (pid {ending.OwnerPid}) " +
                    $"started on {dataDirectory} did not exit within {EndingTimeout.TotalSeconds:0} s: stop it, then start the silo again");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        LogEnded(logger, ending.ChildPid);
    }

    /// <summary>Stops the Azurite this launcher started (SIGTERM so it saves its data); does nothing otherwise.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        await ProcessSignals.StopAsync(process, StopGrace);
        ChildOwnership.Remove(OwnerFile);
        LogStopped(logger);
        process.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private string PortList => string.Join(", ", _ports);

    private ProcessStartInfo StartInfo()
    {
        // stdin redirected: the pipe whose end-of-file tells exit-with-silo.cjs that the silo is gone. .NET opens it
        // close-on-exec, so no other child of the silo (the proxy) holds it open after the silo died.
        var start = new ProcessStartInfo(Setsid ?? "node")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        List<string> args = Setsid is null ? [] : ["node"];
        args.AddRange(
        [
            "--require", package.SiloWatchdog,
            package.EntryPoint, "--silent", "--location", dataDirectory, "--skipApiVersionCheck", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{_ports[0]}", "--queuePort", $"{_ports[1]}", "--tablePort", $"{_ports[2]}",
        ]);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    // util-linux's setsid execs in place (the child of Process.Start is no group leader), so the pid stays Azurite's.
    private static string? FindSetsid() =>
        OperatingSystem.IsWindows() ? null : new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    private async Task<bool> WaitForPortsAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var listening = await PortProbe.ListeningAsync(_ports, cancellationToken);
            if (listening.Length == _ports.Length) return true;
            if (_process!.HasExited && listening.Length == 0) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Azurite already listens on 127.0.0.1 ports {Ports}; using it")]
    private static partial void LogUsingRunning(ILogger logger, string ports);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started Azurite (pid {Pid}, data in {DataDirectory}); it stops with this silo")]
    private static partial void LogStarted(ILogger logger, int pid, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "The Azurite (pid {Pid}) that a silo which is gone (pid {SiloPid}) started on this folder is saving its data; waiting for it to exit")]
    private static partial void LogWaitingForEnding(ILogger logger, int pid, int siloPid);

    [LoggerMessage(Level = LogLevel.Information, Message = "The previous Azurite (pid {Pid}) has exited")]
    private static partial void LogEnded(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped the Azurite this silo started")]
    private static partial void LogStopped(ILogger logger);
}
