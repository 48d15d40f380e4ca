using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansCoord.Proxy.Hosting;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.Health;

/// <summary>
/// One log line per change of an instance's health (in rotation ↔ out of it), instead of one per failed request: a
/// dead upstream under load would otherwise fill the log (issue 23 saw 46 stack traces in 2 minutes for one). Failed
/// requests themselves are counted in <c>/metrics</c> and written to the access log.
/// </summary>
/// <remarks>
/// It looks at YARP's destination health, which the passive policy (both the fast path's and YARP's requests feed
/// it) and the active probes set, every <see cref="ProxyOptions.StatusInterval"/>: off the request path, and running
/// whether the grid is there or not. Changes shorter than one look are not seen; an instance is out when either
/// verdict says unhealthy, and back once neither does (after <c>failTimeout</c> it is tried again, as nginx does).
/// </remarks>
internal sealed partial class HealthChangeLog(IProxyStateLookup state, ProxyOptions options, ILogger<HealthChangeLog> logger) : BackgroundService
{
    // (cluster, instance) → out of rotation at the last look; instances gone from the configuration are forgotten.
    private Dictionary<(string Cluster, string Instance), bool> _out = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.StatusInterval);
        try
        {
            do
            {
                Look();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Compares every instance's health with the last look and logs each change.</summary>
    internal void Look()
    {
        var now = new Dictionary<(string, string), bool>();
        foreach (var cluster in state.GetClusters())
        {
            foreach (var destination in cluster.Destinations.Values)
            {
                var health = destination.Health;
                var isOut = health.Passive == DestinationHealth.Unhealthy || health.Active == DestinationHealth.Unhealthy;
                var key = (cluster.ClusterId, destination.DestinationId);
                now[key] = isOut;
                // A new instance is taken as in rotation: only its going out is news.
                var wasOut = _out.TryGetValue(key, out var before) && before;
                if (isOut == wasOut) continue;
                var address = destination.Model.Config.Address;
                if (isOut) LogOut(logger, cluster.ClusterId, destination.DestinationId, address, health.Passive, health.Active);
                else LogBack(logger, cluster.ClusterId, destination.DestinationId, address, health.Passive, health.Active);
            }
        }

        _out = now;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {Instance} of cluster {Cluster} ({Address}) is out of rotation: unhealthy (passive {Passive}, active {Active})")]
    private static partial void LogOut(ILogger logger, string cluster, string instance, string address, DestinationHealth passive, DestinationHealth active);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {Instance} of cluster {Cluster} ({Address}) is back in rotation (passive {Passive}, active {Active})")]
    private static partial void LogBack(ILogger logger, string cluster, string instance, string address, DestinationHealth passive, DestinationHealth active);
}
