using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansCoord.Client;
using OrleansCoord.Proxy.Admin;
using OrleansCoord.Proxy.Hosting;
using Yarp.ReverseProxy.Configuration;

namespace OrleansCoord.Proxy.Configuration;

/// <summary>
/// Follows the proxy's configuration in the grid: connect, watch the three subtrees recursively, read everything,
/// publish, then wait for a watch event (or the periodic resync) and read again what it says changed. When the grid
/// is away it keeps the last configuration and reconnects; at start-up it first serves the snapshot file, if any.
/// </summary>
internal sealed partial class GridWatcher(
    GridConfigProvider provider,
    YarpConfigBuilder builder,
    IConfigValidator validator,
    SnapshotFile snapshotFile,
    ProxyOptions options,
    StatusPublisher status,
    ILogger<GridWatcher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _changed = new(0, 1);

    /// <summary>Publishes the snapshot file (if any) before the server starts, so the first request already has it.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await LoadSnapshotAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FollowAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogGridAway(logger, exception.Message);
                await Task.Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 2000));
            }
        }
    }

    private async Task FollowAsync(CancellationToken stoppingToken)
    {
        var client = await ConnectAsync(stoppingToken);
        var changes = new GridChanges();
        var watches = new SubtreeWatches(client, changes, Signal);
        using var stopStatus = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var publishing = status.RunAsync(client, stopStatus.Token);
        try
        {
            // Watching before the first read: no change after that read is missed.
            await watches.StartAsync();
            var reader = new GridReader(client, logger);
            var connected = false;
            while (true)
            {
                if (watches.Ended) throw new InvalidOperationException("the grid session ended");
                var snapshot = await reader.ReadAsync(changes.Take(), stoppingToken);
                if (!connected)
                {
                    LogFollowing(logger, options.Server, snapshot.Routes.Count, snapshot.ClusterIds.Count());
                    connected = true;
                }

                await PublishAsync(snapshot, stoppingToken);
                // An event, or the resync period: a full read, the safety net for a lost event the SDK did not notice.
                if (!await _changed.WaitAsync(options.ResyncInterval, stoppingToken)) changes.RecordAll();
            }
        }
        finally
        {
            // Bounded: with the grid away, unsubscribing and stopping the client must not hold up reconnecting.
            await stopStatus.CancelAsync();
            await publishing;
            await BoundedAsync(watches.DisposeAsync().AsTask());
            // A clean stop closes the session, so that the status znode goes at once; a lost grid is only let go.
            await BoundedAsync(stoppingToken.IsCancellationRequested ? client.CloseAsync() : client.AbandonAsync());
        }
    }

    private async Task<CoordClient> ConnectAsync(CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.GridTimeout * 2);
        return await CoordClient.ConnectAsync(new CoordClientOptions
        {
            Servers = CoordClientOptions.ParseServers(options.Server),
            ClusterId = options.ClusterId,
            ServiceId = options.ServiceId,
            RequestTimeout = options.GridTimeout,
            Tls = options.GridTls,
        }, timeout.Token);
    }

    private async Task BoundedAsync(Task cleanup)
    {
        try
        {
            await cleanup.WaitAsync(options.GridTimeout + TimeSpan.FromSeconds(5));
        }
        catch (Exception exception)
        {
            LogCleanupFailed(logger, exception.Message);
        }
    }

    private void Signal()
    {
        // At most one pending wake-up: any number of events before the next read is one read.
        try { _changed.Release(); } catch (SemaphoreFullException) { }
    }

    private async Task LoadSnapshotAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (await snapshotFile.LoadAsync(stoppingToken) is { } saved)
            {
                await PublishAsync(saved, stoppingToken, save: false);
                LogSnapshotLoaded(logger, snapshotFile.Path, saved.Routes.Count);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogSnapshotUnreadable(logger, snapshotFile.Path, exception.Message);
        }
    }

    private async Task PublishAsync(GridSnapshot snapshot, CancellationToken cancellationToken, bool save = true)
    {
        if (SnapshotComparer.Same(provider.Snapshot, snapshot)) return;
        var routes = new List<RouteConfig>();
        foreach (var route in builder.Routes(snapshot))
        {
            // YARP would refuse the whole configuration for one bad route; leave that one out instead.
            var errors = await validator.ValidateRouteAsync(route);
            if (errors.Count == 0) routes.Add(route);
            else LogRouteRefused(logger, route.RouteId, string.Join("; ", errors.Select(e => e.Message)));
        }

        var clusters = new List<ClusterConfig>();
        foreach (var cluster in builder.Clusters(snapshot))
        {
            var errors = await validator.ValidateClusterAsync(cluster);
            if (errors.Count == 0) clusters.Add(cluster);
            else LogClusterRefused(logger, cluster.ClusterId, string.Join("; ", errors.Select(e => e.Message)));
        }

        provider.Update(snapshot, routes, clusters);
        if (!save) return;
        try
        {
            await snapshotFile.SaveAsync(snapshot, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogSnapshotUnwritable(logger, snapshotFile.Path, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Following the grid at {Server}: {Routes} routes, {Clusters} clusters")]
    private static partial void LogFollowing(ILogger logger, string server, int routes, int clusters);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grid unreachable, serving the last configuration: {Reason}")]
    private static partial void LogGridAway(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving the snapshot {Path} ({Routes} routes) until the grid answers")]
    private static partial void LogSnapshotLoaded(ILogger logger, string path, int routes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot {Path} unreadable, ignored: {Reason}")]
    private static partial void LogSnapshotUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot {Path} not written: {Reason}")]
    private static partial void LogSnapshotUnwritable(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropping the old grid connection: {Reason}")]
    private static partial void LogCleanupFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Route {RouteId} refused: {Errors}")]
    private static partial void LogRouteRefused(ILogger logger, string routeId, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster {ClusterId} refused: {Errors}")]
    private static partial void LogClusterRefused(ILogger logger, string clusterId, string errors);
}
