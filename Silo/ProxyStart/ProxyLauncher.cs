using System.Diagnostics;
using System.Reflection;
using OrleansCoord.Silo.Azurite;
using OrleansCoord.Silo.Hosting;

namespace OrleansCoord.Silo.ProxyStart;

/// <summary>
/// Starts the reverse proxy next to the silo (<c>--proxy-port</c>, default 8000; 0: not started), so that one command
/// brings up grid and proxy. The proxy stays what it is, a separate process and an Orleans client of this silo's
/// gateway: it is started once the silo is active and stopped (SIGTERM) before the silo leaves the cluster. Its
/// standard input is a pipe from the silo, which closes however the silo ends, even by SIGKILL; the proxy stops then
/// (<c>--stop-with-stdin</c>), so it never outlives the silo holding its ports. A proxy that cannot start (its port in
/// use, its build missing) is logged; the silo runs on without it.
/// </summary>
internal sealed partial class ProxyLauncher(SiloHostOptions options, IHostApplicationLifetime lifetime, ILogger<ProxyLauncher> logger) : IHostedService
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private Process? _proxy;
    private volatile bool _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Start);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (_proxy is { } proxy && !await ProcessSignals.StopAsync(proxy, StopGrace)) LogKilled(logger, StopGrace.TotalSeconds);
    }

    /// <summary>The proxy's flags: this silo's gateway and cluster, loopback unless the silo is reachable from the network.</summary>
    public static IReadOnlyList<string> Arguments(SiloHostOptions options)
    {
        var endpoints = options.Endpoints;
        return
        [
            "--port", $"{options.Proxy.Port}", "--admin-port", $"{options.Proxy.AdminPort}",
            "--listen", endpoints.AdvertisedIp is null ? "127.0.0.1" : "0.0.0.0",
            "--server", $"{endpoints.AdvertisedIp ?? "127.0.0.1"}:{endpoints.GatewayPort}",
            "--cluster-id", options.Cluster.ClusterId, "--service-id", options.Cluster.ServiceId,
            // One file per cluster: a proxy must never serve another cluster's configuration after a switch.
            "--snapshot", SnapshotPath(options),
            "--stop-with-stdin", "true",
        ];
    }

    /// <summary><c>&lt;repo root&gt;/.data/proxy/snapshot-&lt;cluster-id&gt;.json</c>.</summary>
    public static string SnapshotPath(SiloHostOptions options) =>
        Path.Combine(RepoRoot.FindOrCurrent(), ".data", "proxy", $"snapshot-{options.Cluster.ClusterId}.json");

    private void Start()
    {
        var dll = ProxyDll();
        if (!File.Exists(dll))
        {
            LogNotBuilt(logger, dll);
            return;
        }

        // stdout and stderr are the silo's own: the proxy's lines show where the silo's do.
        var start = new ProcessStartInfo(DotnetHost()) { UseShellExecute = false, RedirectStandardInput = true };
        start.ArgumentList.Add(dll);
        foreach (var argument in Arguments(options)) start.ArgumentList.Add(argument);
        try
        {
            var proxy = Process.Start(start) ?? throw new InvalidOperationException("no process");
            proxy.EnableRaisingEvents = true;
            proxy.Exited += (_, _) =>
            {
                if (!_stopping) LogExited(logger, proxy.ExitCode);
            };
            _proxy = proxy;
            LogStarted(logger, proxy.Id, options.Proxy.Port, options.Proxy.AdminPort);
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            LogNotStarted(logger, exception.Message);
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy started (pid {Pid}): port {Port}, admin {AdminPort}; --proxy-port 0 turns it off")]
    private static partial void LogStarted(ILogger logger, int pid, int port, int adminPort);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy exited with code {ExitCode}; the silo runs on without it")]
    private static partial void LogExited(ILogger logger, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy not started: {Dll} is missing (dotnet build Proxy); the silo runs on without it")]
    private static partial void LogNotBuilt(ILogger logger, string dll);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy not started: {Reason}; the silo runs on without it")]
    private static partial void LogNotStarted(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy did not stop within {Seconds} s of SIGTERM: killed")]
    private static partial void LogKilled(ILogger logger, double seconds);
}

/// <summary>Registers <see cref="ProxyLauncher"/> when <c>--proxy-port</c> is not 0.</summary>
public static class WebApplicationBuilderProxyChildExtensions
{
    /// <summary>Adds the proxy's start and stop to the host (nothing when <c>Proxy:Port</c> is 0).</summary>
    public static WebApplicationBuilder AddProxyChild(this WebApplicationBuilder builder, SiloHostOptions options)
    {
        // After Orleans' hosted service: stopped before it, so the proxy closes its session while the grid is there.
        if (options.Proxy.Port != 0)
        {
            builder.Services.AddHostedService(sp => new ProxyLauncher(options, sp.GetRequiredService<IHostApplicationLifetime>(),
                sp.GetRequiredService<ILogger<ProxyLauncher>>()));
        }

        return builder;
    }
}
