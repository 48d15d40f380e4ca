using System.Diagnostics;
using System.Reflection;
using OrleansCoord.Silo.Hosting;
using OrleansCoord.Silo.Launchers;

using OrleansCoord.Silo.Launchers.Processes;

namespace OrleansCoord.Silo.ProxyStart;

/// <summary>
/// Starts the reverse proxy next to the silo (<c>--proxy-port</c>, default 8000; 0: not started), so that one command
/// brings up grid and proxy. The proxy stays what it is, a separate process and an Orleans client of this silo's
/// gateway, started once the silo is active. It is the data plane and outlives its control plane as nginx would: it
/// runs detached (a session of its own, stdin from /dev/null, its output appended to <c>.data/proxy/proxy-&lt;port&gt;.log</c>),
/// so a silo that dies (SIGKILL, OOM) leaves it serving its last configuration, and the silo started next on the same
/// ports adopts it (<see cref="ChildOwnership"/>) instead of starting a second one. A graceful stop of the silo
/// (SIGTERM, Ctrl-C, whose SIGINT to the terminal's group does not reach the proxy's session) stops it with SIGTERM
/// before the silo leaves the cluster. A proxy that cannot start (its port in use, its build missing) is logged; the
/// silo runs on without it.
/// </summary>
internal sealed partial class ProxyLauncher(SiloHostOptions options, IHostApplicationLifetime lifetime, ILogger<ProxyLauncher> logger) : IHostedService
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AdoptCheck = TimeSpan.FromSeconds(5);
    private static readonly string? Setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);
    private readonly CancellationTokenSource _stopping = new();
    private Task _starting = Task.CompletedTask;
    private (int Pid, long Start)? _owned;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _starting = StartOrAdoptAsync(_stopping.Token));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _starting;
        if (_owned is not { } owned) return;
        if (!await DetachedProxy.StopAsync(owned.Pid, owned.Start, StopGrace)) LogKilled(logger, StopGrace.TotalSeconds);
        ChildOwnership.Remove(OwnerPath(options));
        LogStopped(logger, owned.Pid);
    }

    /// <summary>The proxy's flags: this silo's gateway and cluster, loopback unless the silo is reachable from the network;
    /// with <c>--grid-tls</c>, the silo's CA and certificate files, so that the proxy connects as a client the gateway
    /// accepts also with <c>--require-client-certificate</c> (the password, if any, goes in its environment, not here).</summary>
    public static IReadOnlyList<string> Arguments(SiloHostOptions options)
    {
        var endpoints = options.Endpoints;
        var tls = options.Tls;
        return
        [
            "--port", $"{options.Proxy.Port}", "--admin-port", $"{options.Proxy.AdminPort}",
            "--listen", endpoints.AdvertisedIp is null ? "127.0.0.1" : "0.0.0.0",
            "--server", $"{endpoints.AdvertisedIp ?? "127.0.0.1"}:{endpoints.GatewayPort}",
            "--cluster-id", options.Cluster.ClusterId, "--service-id", options.Cluster.ServiceId,
            // One file per cluster: a proxy must never serve another cluster's configuration after a switch.
            "--snapshot", SnapshotPath(options),
            .. tls.Grid ? (string[])["--grid-ca", Path.GetFullPath(tls.CaPath!), "--grid-certificate", Path.GetFullPath(tls.CertificatePath!)] : [],
            .. tls.Grid && tls.KeyPath is { } key ? (string[])["--grid-key", Path.GetFullPath(key)] : [],
        ];
    }

    /// <summary><c>&lt;repo root&gt;/.data/proxy/snapshot-&lt;cluster-id&gt;.json</c>.</summary>
    public static string SnapshotPath(SiloHostOptions options) => Path.Combine(ProxyFolder, $"snapshot-{options.Cluster.ClusterId}.json");

    /// <summary><c>&lt;repo root&gt;/.data/proxy/owner-&lt;port&gt;</c>: one proxy per port on a machine.</summary>
    public static string OwnerPath(SiloHostOptions options) => Path.Combine(ProxyFolder, $"owner-{options.Proxy.Port}");

    /// <summary><c>&lt;repo root&gt;/.data/proxy/proxy-&lt;port&gt;.log</c>: the detached proxy's output.</summary>
    public static string LogPath(SiloHostOptions options) => Path.Combine(ProxyFolder, $"proxy-{options.Proxy.Port}.log");

    private static string ProxyFolder => Path.Combine(RepoRoot.FindOrCurrent(), ".data", "proxy");

    private async Task StartOrAdoptAsync(CancellationToken cancellationToken)
    {
        try
        {
            var arguments = Arguments(options);
            if (ChildOwnership.Read(OwnerPath(options)) is { ChildRuns: true } recorded)
            {
                if (recorded.OwnerRuns && recorded.OwnerPid != Environment.ProcessId)
                {
                    // Another live silo's proxy holds the port: starting one would only fail on it.
                    LogOtherSilos(logger, recorded.ChildPid, recorded.OwnerPid);
                    return;
                }

                if (recorded.StartedWith(arguments) && await DetachedProxy.AnswersAsync(options.Proxy.AdminPort, AdoptCheck, cancellationToken)
                    && ChildOwnership.Write(OwnerPath(options), recorded.ChildPid, arguments))
                {
                    _owned = (recorded.ChildPid, recorded.ChildStart);
                    LogAdopted(logger, recorded.ChildPid, options.Proxy.Port, options.Proxy.AdminPort);
                    return;
                }

                // Ours to replace: a dead silo's proxy with other flags, or one that no longer answers.
                LogReplacing(logger, recorded.ChildPid);
                await DetachedProxy.StopAsync(recorded.ChildPid, recorded.ChildStart, StopGrace);
            }

            Start(arguments);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The silo stops before it got to the proxy.
        }
    }

    private void Start(IReadOnlyList<string> arguments)
    {
        var dll = ProxyDll();
        if (!File.Exists(dll))
        {
            LogNotBuilt(logger, dll);
            return;
        }

        try
        {
            Directory.CreateDirectory(ProxyFolder);
            var proxy = Process.Start(StartInfo(dll, arguments)) ?? throw new InvalidOperationException("no process");
            proxy.EnableRaisingEvents = true;
            proxy.Exited += (_, _) =>
            {
                if (!_stopping.IsCancellationRequested) LogExited(logger, proxy.ExitCode, LogPath(options));
            };
            if (!ChildOwnership.Write(OwnerPath(options), proxy.Id, arguments))
            {
                LogNotStarted(logger, $"it exited at once (see {LogPath(options)})");
                return;
            }

            _owned = (proxy.Id, LinuxProcesses.StartTime(proxy.Id) ?? 0);
            LogStarted(logger, proxy.Id, options.Proxy.Port, options.Proxy.AdminPort, LogPath(options));
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            LogNotStarted(logger, exception.Message);
        }
    }

    // setsid execs sh, which execs dotnet after redirecting: the pid is the proxy's, in a session of its own, and holds
    // nothing of the silo's (stdin /dev/null, output to its log), so the silo's end does not reach it.
    private ProcessStartInfo StartInfo(string dll, IReadOnlyList<string> arguments)
    {
        if (Setsid is null) throw new InvalidOperationException("setsid (util-linux) is needed to run the proxy detached from the silo");
        var start = new ProcessStartInfo(Setsid) { UseShellExecute = false };
        foreach (var argument in (string[])["/bin/sh", "-c", "log=$1; shift; exec \"$@\" >>\"$log\" 2>&1 </dev/null", "sh", LogPath(options), DotnetHost(), dll])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (options.Tls is { Grid: true, CertificatePassword: { } password }) start.Environment["COORD_Proxy__GridCertificatePassword"] = password;
        return start;
    }

    // Recorded at build time: Silo.csproj builds the proxy too (a build-order reference, no code of it in the silo).
    private static string ProxyDll() =>
        typeof(ProxyLauncher).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "ProxyDll")?.Value ?? "OrleansCoord.Proxy.dll";

    // The dotnet that runs this silo (under `dotnet run` the silo runs from its apphost, so not ProcessPath).
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet") return path;
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var dotnet = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(dotnet) ? dotnet : "dotnet";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy started (pid {Pid}): port {Port}, admin {AdminPort}, log {LogPath}; it outlives a crash of this silo, stops with a clean stop; --proxy-port 0 turns it off")]
    private static partial void LogStarted(ILogger logger, int pid, int port, int adminPort, string logPath);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy exited with code {ExitCode} (its log: {LogPath}); the silo runs on without it")]
    private static partial void LogExited(ILogger logger, int exitCode, string logPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy adopted (pid {Pid}): port {Port}, admin {AdminPort}; it kept serving after the previous silo ended")]
    private static partial void LogAdopted(ILogger logger, int pid, int port, int adminPort);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy pid {Pid} of a silo that is gone runs with other flags or does not answer: replacing it")]
    private static partial void LogReplacing(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy not started: the proxy (pid {Pid}) of the running silo pid {SiloPid} holds this port")]
    private static partial void LogOtherSilos(ILogger logger, int pid, int siloPid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy (pid {Pid}) stopped")]
    private static partial void LogStopped(ILogger logger, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy not started: {Dll} is missing (dotnet build Proxy); the silo runs on without it")]
    private static partial void LogNotBuilt(ILogger logger, string dll);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy not started: {Reason}; the silo runs on without it")]
    private static partial void LogNotStarted(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy did not stop within {Seconds} s of SIGTERM: killed")]
    private static partial void LogKilled(ILogger logger, double seconds);
}
