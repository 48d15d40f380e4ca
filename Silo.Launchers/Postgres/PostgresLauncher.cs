using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using OrleansCoord.Silo.Launchers.Processes;

namespace OrleansCoord.Silo.Launchers.Postgres;

/// <summary>
/// Makes sure the default PostgreSQL (<see cref="EmbeddedPostgres"/>) can be used: one that already listens on
/// 127.0.0.1:5432 and takes the default credentials, else one started from Debian's binaries on
/// <paramref name="dataDirectory"/> (made by initdb on first use). Stops only a server it started.
/// </summary>
/// <remarks>
/// The server runs under a small shell that holds the read end of a pipe whose write end only the silo holds (its
/// stdin): when the silo exits, however it exits (SIGKILL included), the shell reads end-of-file and asks PostgreSQL for
/// a fast shutdown, as exit-with-silo.cjs does for Azurite. It runs in a session of its own (setsid) so that Ctrl-C in
/// the silo's terminal does not stop the database under a silo that still needs it to leave the cluster.
/// </remarks>
internal sealed partial class PostgresLauncher(string dataDirectory, ILogger logger) : IAsyncDisposable
{
    // "$@" is the postgres command line. End-of-file on the silo's pipe (the silo is gone, or closed it) asks for a fast
    // shutdown; the shell exits with the server, so a server that could not start is seen at once. The pipe moves to
    // fd 3 first: sh gives a background job /dev/null as its stdin.
    private const string Watchdog =
        "exec 3<&0 </dev/null; \"$@\" 3<&- & pid=$!; { cat <&3 >/dev/null; kill -INT \"$pid\" 2>/dev/null; } & watcher=$!; " +
        "exec 3<&-; wait \"$pid\"; rc=$?; kill \"$watcher\" 2>/dev/null; exit $rc";

    private const string CannotConnectNow = "57P03"; // starting up, shutting down, or in recovery

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    private readonly OutputTail _output = new(capacity: 60);
    private Process? _process;

    /// <summary>Returns once the grid's database accepts connections; throws with the reason otherwise.</summary>
    /// <remarks>A silo started again right after its predecessor died may find that predecessor's server still shutting
    /// down (listening but refusing, or gone from the port but still holding the data folder's lock): it waits for it
    /// and then starts its own, within <see cref="StartTimeout"/>.</remarks>
    public async Task EnsureRunningAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (await PortProbe.IsListeningAsync(EmbeddedPostgres.Port, cancellationToken))
            {
                if (await TryUseRunningAsync(deadline, cancellationToken))
                {
                    LogUsingRunning(logger, EmbeddedPostgres.Port);
                    return;
                }
            }
            else if (await TryStartOwnAsync(deadline, cancellationToken))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    // True when the listening server takes the grid's connections; false while it is starting up or shutting down.
    private static async Task<bool> TryUseRunningAsync(DateTime deadline, CancellationToken cancellationToken)
    {
        try
        {
            await PostgresDatabase.EnsureAsync(cancellationToken);
            return true;
        }
        catch (PostgresException exception) when (exception.SqlState == CannotConnectNow && DateTime.UtcNow < deadline)
        {
            return false;
        }
        catch (NpgsqlException exception)
        {
            throw new PostgresLaunchException($"something listens on 127.0.0.1:{EmbeddedPostgres.Port} but does not take user " +
                $"'{EmbeddedPostgres.User}' with the default password ({exception.Message}): give --connection-string", exception);
        }
    }

    // True once a server (ours, or one another silo started meanwhile) takes connections; false when ours exited at
    // once and there is time to try again (a predecessor still held the folder's lock).
    private async Task<bool> TryStartOwnAsync(DateTime deadline, CancellationToken cancellationToken)
    {
        var bin = PostgresInstallation.BinDirectory();
        await PostgresDataDirectory.EnsureInitializedAsync(bin, dataDirectory, logger, cancellationToken);
        _process = Process.Start(StartInfo(bin)) ?? throw new PostgresLaunchException("could not start PostgreSQL");
        _output.Attach(_process);

        if (!await WaitReadyAsync(deadline, cancellationToken))
        {
            if (_process.HasExited && DateTime.UtcNow < deadline)
            {
                // It could not start (a predecessor still shutting down holds the folder's lock): try again.
                _process.Dispose();
                _process = null;
                return false;
            }

            await StopAsync();
            throw new PostgresLaunchException($"PostgreSQL did not accept connections on 127.0.0.1:{EmbeddedPostgres.Port} within " +
                $"{StartTimeout.TotalSeconds:0} s:{Environment.NewLine}{_output}");
        }

        if (_process.HasExited)
        {
            // Another silo started it first: use theirs.
            _process = null;
            LogUsingRunning(logger, EmbeddedPostgres.Port);
            return true;
        }

        LogStarted(logger, bin, _process.Id, dataDirectory);
        return true;
    }

    /// <summary>Stops the server this launcher started (fast shutdown), does nothing otherwise.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process) return;
        _process = null;
        try
        {
            process.StandardInput.Close(); // the watchdog's end-of-file: it asks PostgreSQL to shut down and waits
            using var timeout = new CancellationTokenSource(StopGrace);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        LogStopped(logger);
        process.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private ProcessStartInfo StartInfo(string bin)
    {
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // Loopback TCP only: no Unix socket, whose default folder the server's user may not be able to write.
        string[] server =
        [
            Path.Combine(bin, "postgres"), "-D", dataDirectory, "-p", $"{EmbeddedPostgres.Port}",
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            // The tree's group commit takes an advisory lock per written key: room for several silos' groups at once.
            "-c", "max_locks_per_transaction=256",
        ];
        foreach (var arg in PostgresInstallation.AsServerUser(["sh", "-c", Watchdog, "sh", .. server])) start.ArgumentList.Add(arg);
        return start;
    }

    private async Task<bool> WaitReadyAsync(DateTime deadline, CancellationToken cancellationToken)
    {
        while (DateTime.UtcNow < deadline)
        {
            if (await PortProbe.IsListeningAsync(EmbeddedPostgres.Port, cancellationToken))
            {
                try
                {
                    await PostgresDatabase.EnsureAsync(cancellationToken);
                    return true;
                }
                catch (NpgsqlException)
                {
                    // Listening but still recovering or starting up ("the database system is starting up"): ask again.
                }
            }
            else if (_process!.HasExited)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL already listens on 127.0.0.1:{Port}; using it")]
    private static partial void LogUsingRunning(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started PostgreSQL from {Bin} (pid {Pid}, data in {DataDirectory}); it stops with this silo")]
    private static partial void LogStarted(ILogger logger, string bin, int pid, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped the PostgreSQL this silo started")]
    private static partial void LogStopped(ILogger logger);
}
