using Microsoft.Extensions.Logging;
using OrleansCoord.Client;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Errors;
using OrleansCoord.Proxy.Hosting;
using OrleansCoord.ZNodes;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.Admin;

/// <summary>
/// Publishes this proxy's view of its upstreams (<see cref="ProxyStatus"/>) in an ephemeral znode
/// <c>/proxy/status/&lt;id&gt;</c> of its grid session, for <c>coord proxy status</c>. It looks every
/// <see cref="ProxyOptions.StatusInterval"/> and writes only when something changed: at most one write per interval,
/// none while nothing happens. The znode goes with the session: at once on a clean stop, after the session timeout
/// on a crash.
/// </summary>
internal sealed partial class StatusPublisher(IProxyStateLookup state, ProxyOptions options, ILogger<StatusPublisher> logger)
{
    /// <summary>Runs until <paramref name="cancellationToken"/> fires; grid errors are retried at the next look.</summary>
    public async Task RunAsync(CoordClient client, CancellationToken cancellationToken)
    {
        var path = ProxyPaths.StatusOf(options.StatusId);
        byte[]? written = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var data = ProxyJson.Write(Current());
            if (written is null || !data.AsSpan().SequenceEqual(written))
            {
                try
                {
                    await WriteAsync(client, path, data, created: written is not null, cancellationToken);
                    written = data;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
                {
                    LogNotWritten(logger, path, exception.Message);
                }
            }

            try
            {
                await Task.Delay(options.StatusInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The instances of every cluster as YARP holds them now.</summary>
    public ProxyStatus Current() => new(state.GetClusters().OrderBy(c => c.ClusterId, StringComparer.Ordinal).ToDictionary(
        cluster => cluster.ClusterId,
        cluster => new ClusterStatus(cluster.Destinations.Values.OrderBy(d => d.DestinationId, StringComparer.Ordinal).ToDictionary(
            destination => destination.DestinationId, Describe, StringComparer.Ordinal)),
        StringComparer.Ordinal));

    private static InstanceStatus Describe(DestinationState destination)
    {
        var health = destination.Health;
        return new InstanceStatus(destination.Model.Config.Address,
            health.Passive != DestinationHealth.Unhealthy && health.Active != DestinationHealth.Unhealthy,
            Name(health.Passive), Name(health.Active), LoadBalancing.InFlightRequests.InFlight(destination).Value);
    }

    private static string Name(DestinationHealth health) => health switch
    {
        DestinationHealth.Healthy => "healthy",
        DestinationHealth.Unhealthy => "unhealthy",
        _ => "unknown",
    };

    private static async Task WriteAsync(CoordClient client, string path, byte[] data, bool created, CancellationToken cancellationToken)
    {
        if (created)
        {
            try
            {
                await client.SetDataAsync(path, data, -1, cancellationToken);
                return;
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
            {
                // Removed by hand: made again below.
            }
        }

        await EnsureParentsAsync(client, cancellationToken);
        try
        {
            await client.CreateAsync(path, data, CreateMode.Ephemeral, cancellationToken: cancellationToken);
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.NodeExists)
        {
            // Left by this proxy's previous session (a crash; it would expire later and take our status with it).
            await client.DeleteAsync(path, -1, cancellationToken);
            await client.CreateAsync(path, data, CreateMode.Ephemeral, cancellationToken: cancellationToken);
        }
    }

    private static async Task EnsureParentsAsync(CoordClient client, CancellationToken cancellationToken)
    {
        foreach (var parent in new[] { "/proxy", ProxyPaths.Status })
        {
            try
            {
                await client.CreateAsync(parent, cancellationToken: cancellationToken);
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.NodeExists)
            {
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Status {Path} not written, trying again: {Reason}")]
    private static partial void LogNotWritten(ILogger logger, string path, string reason);
}
