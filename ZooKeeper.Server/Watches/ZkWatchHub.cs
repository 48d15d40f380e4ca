using System.Collections.Concurrent;
using OrleansCoord.Watches;

namespace OrleansCoord.ZooKeeper.Server.Watches;

/// <summary>
/// The silo's side of wire-protocol watches: one observer of the silo, registered with the watch shards that hold
/// watched paths (docs/adr/014-watch-delivery.md), that hands each event to the connections interested in its path, or
/// in a subtree above it. A registration stays once made (at most 256), so a path watched again costs nothing; it is
/// renewed every <see cref="RenewPeriod"/>. When a shard forgot the silo (its own silo died) or dropped events for it,
/// the connections that watch anything on that shard are closed: their clients reconnect and set their watches again
/// with the last revision they saw (setWatches), which reports what changed meanwhile, as after any connection loss.
/// </summary>
internal sealed partial class ZkWatchHub : IWatchObserver, IDisposable
{
    /// <summary>How often the registrations are checked: bounds how long a shard that lost its silo stays silent.</summary>
    public static readonly TimeSpan RenewPeriod = TimeSpan.FromSeconds(5);

    private readonly IGrainFactory? _grains;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<IZkWatchSink, byte>> _paths = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Prefix, IZkWatchSink Sink), byte> _subtrees = new();
    private readonly Task<ShardRegistration>?[] _shards = new Task<ShardRegistration>?[WatchStreams.Shards];
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private IWatchObserver? _reference;
    private Task? _renewals;

    public ZkWatchHub(IServiceProvider services, ILogger<ZkWatchHub> logger)
    {
        // A silo without watch delivery (tests that leave it out) serves no watch events.
        _grains = services.GetService<OrleansCoord.Grains.Watches.WatchDeliveryMarker>() is null ? null : services.GetRequiredService<IGrainFactory>();
        _logger = logger;
    }

    /// <summary>Delivers the events of <paramref name="path"/> to <paramref name="sink"/> from the moment the task completes.</summary>
    public Task AddAsync(string path, IZkWatchSink sink)
    {
        lock (_gate) _paths.GetOrAdd(path, _ => new()).TryAdd(sink, 0);
        return SubscribeAsync(WatchStreams.ShardOf(path));
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
        return Task.WhenAll(Enumerable.Range(0, WatchStreams.Shards).Select(SubscribeAsync));
    }

    public void RemoveSubtree(string prefix, IZkWatchSink sink) => _subtrees.TryRemove((prefix, sink), out _);

    public Task OnWatchEvents(WatchBatch batch)
    {
        if (batch.Lost) Lost(batch.Shard, "dropped events for this silo");
        foreach (var change in batch.Events) Deliver(change);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _stop.Cancel();
    }

    private Task SubscribeAsync(int shard)
    {
        if (_grains is null) return Task.CompletedTask;
        lock (_gate)
        {
            var current = _shards[shard];
            if (current is null || current.IsFaulted || current.IsCanceled)
            {
                _reference ??= _grains.CreateObjectReference<IWatchObserver>(this);
                current = _grains.GetGrain<IWatchShardGrain>(shard).Subscribe(_reference);
                _shards[shard] = current;
                _renewals ??= Task.Run(RenewLoopAsync);
            }

            return current;
        }
    }

    /// <summary>Registers again with every shard registered with; a shard that forgot the silo has lost its events meanwhile.</summary>
    private async Task RenewLoopAsync()
    {
        using var timer = new PeriodicTimer(RenewPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                for (var shard = 0; shard < WatchStreams.Shards; shard++)
                {
                    Task<ShardRegistration>? current;
                    lock (_gate) current = _shards[shard];
                    if (current is not { IsCompletedSuccessfully: true }) continue;
                    try
                    {
                        var renewed = await _grains!.GetGrain<IWatchShardGrain>(shard).Subscribe(_reference!);
                        lock (_gate) _shards[shard] = Task.FromResult(renewed);
                        if (renewed.Epoch != current.Result.Epoch || !renewed.WasSubscribed) Lost(shard, "had forgotten this silo");
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        // The shard's silo may be failing over: the next round tries again.
                    }
                }
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
