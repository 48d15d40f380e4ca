using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace OrleansCoord.Silo.Azurite;

/// <summary>
/// Makes sure Azurite listens on 127.0.0.1:10000-10002: uses one that already runs, else installs the
/// pinned package and starts it on <paramref name="dataDirectory"/>. Stops only an Azurite it started.
/// </summary>
internal sealed partial class AzuriteLauncher(AzuritePackage package, string dataDirectory, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly OutputTail _output = new();
    private Process? _process;

    /// <summary>True when this launcher started the Azurite that runs now (and so will stop it).</summary>
    public bool OwnsAzurite => _process is { HasExited: false };

    /// <summary>Returns once all three ports accept connections; throws <see cref="AzuriteException"/> with the reason otherwise.</summary>
    public async Task EnsureRunningAsync(CancellationToken cancellationToken)
    {
        var ports = DevelopmentStorage.Ports;
        var listening = await PortProbe.ListeningAsync(ports, cancellationToken);
        if (listening.Length == ports.Length)
        {
            LogUsingRunning(logger);
            return;
        }

        if (listening.Length > 0)
        {
            // Starting Azurite would fail on the taken port, and a partial emulator is not what the user meant.
            throw new AzuriteException($"port(s) {string.Join(", ", listening)} are taken but {string.Join(", ", ports.Except(listening))} are not: " +
                "stop whatever holds them, or start Azurite yourself");
        }

        await package.EnsureInstalledAsync(InstallTimeout, cancellationToken);
        Directory.CreateDirectory(dataDirectory);
        _process = AzuritePackage.StartOrThrow(StartInfo(), "Node.js is needed to run Azurite");
        _output.Attach(_process);

        if (!await WaitForPortsAsync(cancellationToken))
        {
            await StopAsync();
            throw new AzuriteException($"Azurite did not listen on 10000-10002 within {StartTimeout.TotalSeconds:0} s:{Environment.NewLine}{_output}");
        }

        if (_process.HasExited)
        {
            // Another silo won the race and started it first: use theirs.
            _process = null;
            LogUsingRunning(logger);
            return;
        }

        LogStarted(logger, _process.Id, dataDirectory);
    }

    /// <summary>Stops the Azurite this launcher started (SIGTERM so it saves its data); does nothing otherwise.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        await ProcessSignals.StopAsync(process, StopGrace);
        LogStopped(logger);
        process.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private ProcessStartInfo StartInfo()
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] args =
        [
            package.EntryPoint, "--silent", "--location", dataDirectory, "--skipApiVersionCheck", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
        ];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    private async Task<bool> WaitForPortsAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var listening = await PortProbe.ListeningAsync(DevelopmentStorage.Ports, cancellationToken);
            if (listening.Length == DevelopmentStorage.Ports.Length) return true;
            if (_process!.HasExited && listening.Length == 0) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Azurite already listens on 127.0.0.1:10000-10002; using it")]
    private static partial void LogUsingRunning(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started Azurite (pid {Pid}, data in {DataDirectory}); it stops with this silo")]
    private static partial void LogStarted(ILogger logger, int pid, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped the Azurite this silo started")]
    private static partial void LogStopped(ILogger logger);
}
