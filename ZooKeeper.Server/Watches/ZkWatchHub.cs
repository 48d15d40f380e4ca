using System.Collections.Concurrent;
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
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<IZkWatchSink, byte>> _paths = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Prefix, IZkWatchSink Sink), byte> _subtrees = new();
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
        lock (_gate) _paths.GetOrAdd(path, _ => new()).TryAdd(sink, 0);
        StartRenewals();
        return _registrations.EnsureAsync(WatchStreams.ShardOf(path));
    }

    public void Remove(string path, IZkWatchSink sink)
    {
        lock (_gate)
        {
            if (_paths.TryGetValue(path, out var sinks) && sinks.TryRemove(sink, out _) && sinks.IsEmpty) _paths.TryRemove(path, out _);
        }
    }

    /// <summary>Delivers the events of every path at or below <paramref name="prefix"/> (a subtree lands in every shard).</summary>
    public Task AddSubtreeAsync(string prefix, IZkWatchSink sink)
    {
        _subtrees.TryAdd((prefix, sink), 0);
        StartRenewals();
        return _registrations.EnsureAsync(Enumerable.Range(0, WatchStreams.Shards));
    }

    public void RemoveSubtree(string prefix, IZkWatchSink sink) => _subtrees.TryRemove((prefix, sink), out _);

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
        HashSet<IZkWatchSink> affected = [];
        foreach (var (path, sinks) in _paths)
        {
            if (WatchStreams.ShardOf(path) == shard) affected.UnionWith(sinks.Keys);
        }

        foreach (var (_, sink) in _subtrees.Keys) affected.Add(sink);
        LogShardLost(_logger, shard, why, affected.Count);
        foreach (var sink in affected) sink.OnEventsLost();
    }

    private void Deliver(WatchEvent change)
    {
        HashSet<IZkWatchSink>? delivered = null;
        if (_paths.TryGetValue(change.Path, out var sinks))
        {
            foreach (var sink in sinks.Keys)
            {
                (delivered ??= []).Add(sink);
                sink.OnWatchEvent(change);
            }
        }

        if (_subtrees.IsEmpty) return;
        foreach (var (prefix, sink) in _subtrees.Keys)
        {
            if (IsAtOrBelow(change.Path, prefix) && (delivered ??= []).Add(sink)) sink.OnWatchEvent(change);
        }
    }

    public static bool IsAtOrBelow(string path, string prefix) =>
        prefix == "/" || path == prefix || (path.StartsWith(prefix, StringComparison.Ordinal) && path.Length > prefix.Length && path[prefix.Length] == '/');

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch shard {Shard} {Why}; closing the {Count} ZooKeeper connections watching on it (their clients set their watches again)")]
    private static partial void LogShardLost(ILogger logger, int shard, string why, int count);
}
