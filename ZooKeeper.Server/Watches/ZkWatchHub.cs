using OrleansCoord.SessionLayer;
using OrleansCoord.Watches;

namespace OrleansCoord.ZooKeeper.Server.Watches;

/// <summary>
/// The silo's side of wire-protocol watches: one observer of the silo, registered with the watch shards that hold
/// watched paths (<see cref="WatchShardRegistrations"/>, docs/adr/014-watch-delivery.md), that hands each event to the
/// connections interested in its path, or in a subtree above it. A registration stays once made (at most 256), so a
/// path watched again costs nothing; it is renewed every <see cref="RenewPeriod"/>. When a shard forgot the silo (its
/// own silo died) or dropped events for it, the connections that watch anything on that shard are closed: their
/// clients reconnect and set their watches again with the last revision they saw (setWatches), which reports what
/// changed meanwhile, as after any connection loss.
/// </summary>
internal sealed partial class ZkWatchHub : IDisposable
{
    /// <summary>How often the registrations are checked: bounds how long a shard that lost its silo stays silent.</summary>
    public static readonly TimeSpan RenewPeriod = TimeSpan.FromSeconds(5);

    private readonly bool _delivers;
    private readonly WatchShardRegistrations _registrations;
    private readonly ILogger _logger;
    private readonly WatchRoutes<IZkWatchSink> _routes = new();
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _renewals;

    public ZkWatchHub(IServiceProvider services, ILogger<ZkWatchHub> logger)
    {
        // A silo without watch delivery (tests that leave it out) serves no watch events.
        _delivers = services.GetService<OrleansCoord.Grains.Watches.WatchDeliveryMarker>() is not null;
        _registrations = new WatchShardRegistrations(_delivers ? services.GetRequiredService<IGrainFactory>() : null, Deliver,
            shard => Lost(shard, "dropped events for this silo"));
        _logger = logger;
    }

    /// <summary>Delivers the events of <paramref name="path"/> to <paramref name="sink"/> from the moment the task completes.</summary>
    public Task AddAsync(string path, IZkWatchSink sink)
    {
        lock (_gate) _routes.Add(path, subtree: false, sink);
        StartRenewals();
        return _registrations.EnsureAsync(WatchStreams.ShardOf(path));
    }

    public void Remove(string path, IZkWatchSink sink)
    {
        lock (_gate) _routes.Remove(path, subtree: false, sink);
    }

    /// <summary>Delivers the events of every path at or below <paramref name="prefix"/> (a subtree lands in every shard).</summary>
    public Task AddSubtreeAsync(string prefix, IZkWatchSink sink)
    {
        lock (_gate) _routes.Add(prefix, subtree: true, sink);
        StartRenewals();
        return _registrations.EnsureAsync(Enumerable.Range(0, WatchStreams.Shards));
    }

    public void RemoveSubtree(string prefix, IZkWatchSink sink)
    {
        lock (_gate) _routes.Remove(prefix, subtree: true, sink);
    }

    public void Dispose()
    {
        _stop.Cancel();
    }

    private void StartRenewals()
    {
        if (!_delivers || Volatile.Read(ref _renewals) is not null) return;
        lock (_gate) _renewals ??= Task.Run(RenewLoopAsync);
    }

    /// <summary>Registers again with every shard registered with; a shard that forgot the silo has lost its events
    /// meanwhile. A shard whose silo is failing over is tried again next round.</summary>
    private async Task RenewLoopAsync()
    {
        using var timer = new PeriodicTimer(RenewPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var renewal = await _registrations.RenewAsync(oneAtATime: true);
                foreach (var shard in renewal.Forgotten) Lost(shard, "had forgotten this silo");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Events of <paramref name="shard"/> may be missing: the connections watching anything on it resync by reconnecting.</summary>
    private void Lost(int shard, string why)
    {
        List<IZkWatchSink> affected;
        lock (_gate) affected = _routes.OnShard(shard);
        LogShardLost(_logger, shard, why, affected.Count);
        foreach (var sink in affected) sink.OnEventsLost();
    }

    /// <summary>Hands an event to each connection that takes it, once, outside the lock (a sink only queues it).</summary>
    private void Deliver(WatchEvent change)
    {
        List<IZkWatchSink> sinks;
        lock (_gate) sinks = _routes.Match(change);
        foreach (var sink in sinks) sink.OnWatchEvent(change);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch shard {Shard} {Why}; closing the {Count} ZooKeeper connections watching on it (their clients set their watches again)")]
    private static partial void LogShardLost(ILogger logger, int shard, string why, int count);
}
