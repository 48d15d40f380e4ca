using System.Collections.Concurrent;
using Orleans.Streams;
using OrleansCoord.Watches;

namespace OrleansCoord.Silo.ZooKeeper.Watches;

/// <summary>
/// The silo's side of wire-protocol watches: it subscribes (through the silo's hosted client) to the shard streams
/// that hold watched paths, and hands each event to the connections interested in its path, or in a subtree
/// above it. One subscription per shard serves every connection of the silo; a subscription stays once made
/// (at most 256), so a path watched again costs nothing.
/// </summary>
internal sealed class ZkWatchHub(IServiceProvider services)
{
    private readonly IStreamProvider? _streams = services.GetKeyedService<IStreamProvider>(WatchStreams.ProviderName);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<IZkWatchSink, byte>> _paths = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Prefix, IZkWatchSink Sink), byte> _subtrees = new();
    private readonly Task?[] _shards = new Task?[WatchStreams.Shards];
    private readonly object _gate = new();

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

    private Task SubscribeAsync(int shard)
    {
        if (_streams is null) return Task.CompletedTask;
        lock (_gate)
        {
            var current = _shards[shard];
            if (current is null || current.IsFaulted || current.IsCanceled)
            {
                current = _streams.GetStream<WatchEvent>(StreamId.Create(WatchStreams.Namespace, shard))
                    .SubscribeAsync((change, _) => { Deliver(change); return Task.CompletedTask; });
                _shards[shard] = current;
            }

            return current;
        }
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
}
