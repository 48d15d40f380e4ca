using OrleansCoord.Errors;
using OrleansCoord.SessionLayer;
using OrleansCoord.Watches;

namespace OrleansCoord.Client;

/// <summary>
/// The client's side of watches: the registered watchers, the shard subscriptions they need (a watch on one
/// path needs its shard; a recursive watch needs them all, since a subtree's events land in every shard), and the
/// routing of each event to the watchers of its path and of the paths above it (docs/adr/006-watch-streams.md,
/// docs/adr/014-watch-delivery.md).
/// </summary>
internal sealed partial class WatchHub
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly object _gate = new();
    private readonly Dictionary<string, List<Watcher>> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Watcher>> _recursive = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TrackedNode> _tracked = new(StringComparer.Ordinal);
    private readonly int[] _exactPathsPerShard = new int[WatchStreams.Shards];
    private readonly WatchShardRegistrations _subscriptions;
    private readonly Func<long> _currentRevision;

    public WatchHub(IGrainFactory grains, Func<long> currentRevision)
    {
        _subscriptions = new WatchShardRegistrations(grains, Deliver, _ => EventsLost?.Invoke());
        _currentRevision = currentRevision;
    }

    /// <summary>Raised when a shard dropped events for this client (it did not keep up): a resync must make up for them.</summary>
    public event Action? EventsLost;

    /// <summary>Whether any watcher is registered (the periodic check has nothing to do otherwise).</summary>
    public bool HasWatchers
    {
        get { lock (_gate) return _exact.Count > 0 || _recursive.Count > 0; }
    }

    /// <summary>Registers a watcher and subscribes what it needs; events flow to it once this returns.</summary>
    public async Task<IAsyncDisposable> AddAsync(Watcher watcher)
    {
        await _lock.WaitAsync();
        try
        {
            lock (_gate) Register(watcher);
            try
            {
                await _subscriptions.EnsureAsync(watcher.Kind == WatchKind.PersistentRecursive
                    ? Enumerable.Range(0, WatchStreams.Shards)
                    : [WatchStreams.ShardOf(watcher.Path)]);
            }
            catch
            {
                lock (_gate) Unregister(watcher);
                await _subscriptions.ReleaseAsync(IsNeeded);
                throw;
            }
        }
        finally
        {
            _lock.Release();
        }

        return new Registration(this, watcher);
    }

    /// <summary>What a read of a watched path returned: the starting point of its resync, if it has none yet.</summary>
    public void Track(string path, TrackedNode known)
    {
        lock (_gate)
        {
            if (_exact.ContainsKey(path)) _tracked.TryAdd(path, known);
        }
    }

    /// <summary>Whether nothing is known yet of a watched path, so a new watcher should read it for a starting point.</summary>
    public bool NeedsBaseline(string path)
    {
        lock (_gate) return !_tracked.ContainsKey(path);
    }

    /// <summary>The newest revision known of a watched znode; 0 when nothing is.</summary>
    public long BaselineOf(string path)
    {
        lock (_gate) return _tracked.TryGetValue(path, out var known) ? known.Revision : 0;
    }

    /// <summary>Removes this client's watchers of <paramref name="type"/> on <paramref name="path"/>; each hears a
    /// removal event. Throws NoWatcher when there is none, as ZooKeeper does.</summary>
    public async Task RemoveWatchesAsync(string path, WatcherType type)
    {
        var removed = await UnregisterAsync(() =>
            [.. WatchersAt(_exact, path).Concat(WatchersAt(_recursive, path)).Where(w => w.Kind.RemovedBy(type))]);
        if (removed.Count == 0) throw new CoordException(CoordErrorCode.NoWatcher, path, $"no {type} watch on this path");

        var revision = _currentRevision();
        foreach (var watcher in removed) watcher.Finish(new WatchEvent(watcher.Kind.RemovalEvent(), path, revision));
    }

    /// <summary>Tells every watcher the session's new state; when it expired, every watch is gone after that.</summary>
    public async Task NotifySessionAsync(WatchState state)
    {
        var revision = _currentRevision();
        foreach (var watcher in AllWatchers()) watcher.Notify(new WatchEvent(WatchEventType.None, watcher.Path, revision, state));
        if (state == WatchState.Expired) await DropAllAsync();
    }

    /// <summary>Ends every watch (the session is over): persistent watches' event streams complete.</summary>
    public async Task DropAllAsync()
    {
        foreach (var watcher in await UnregisterAsync(AllWatchers)) watcher.Finish(null);
    }

    private Task RemoveAsync(Watcher watcher) => UnregisterAsync(() => [watcher]);

    /// <summary>Unregisters the watchers <paramref name="choose"/> picks (under the routing lock) and drops the
    /// subscriptions no watcher needs any more; returns them.</summary>
    private async Task<List<Watcher>> UnregisterAsync(Func<List<Watcher>> choose)
    {
        List<Watcher> chosen;
        await _lock.WaitAsync();
        try
        {
            lock (_gate)
            {
                chosen = choose();
                foreach (var watcher in chosen) Unregister(watcher);
            }

            if (chosen.Count > 0) await _subscriptions.ReleaseAsync(IsNeeded);
        }
        finally
        {
            _lock.Release();
        }

        return chosen;
    }

    /// <summary>Routes one event to the watchers of its path and of every path above it that is watched recursively.</summary>
    private void Deliver(WatchEvent change)
    {
        List<Watcher> targets = [];
        lock (_gate)
        {
            if (_exact.TryGetValue(change.Path, out var exact))
            {
                targets.AddRange(exact);
                if (!change.Coalesced && _tracked.TryGetValue(change.Path, out var known)) _tracked[change.Path] = known.After(change);
            }

            // ZooKeeper's recursive watches leave out NodeChildrenChanged: the child's own event says it.
            if (_recursive.Count > 0 && change.Type != WatchEventType.NodeChildrenChanged)
            {
                foreach (var path in SelfAndAncestors(change.Path))
                {
                    if (_recursive.TryGetValue(path, out var recursive)) targets.AddRange(recursive);
                }
            }
        }

        foreach (var watcher in targets)
        {
            if (watcher.Offer(change)) _ = RemoveAsync(watcher);
        }
    }

    private void Register(Watcher watcher)
    {
        var table = watcher.Kind == WatchKind.PersistentRecursive ? _recursive : _exact;
        if (!table.TryGetValue(watcher.Path, out var list))
        {
            table[watcher.Path] = list = [];
            if (table == _exact) _exactPathsPerShard[WatchStreams.ShardOf(watcher.Path)]++;
        }

        list.Add(watcher);
    }

    private void Unregister(Watcher watcher)
    {
        var table = watcher.Kind == WatchKind.PersistentRecursive ? _recursive : _exact;
        if (!table.TryGetValue(watcher.Path, out var list) || !list.Remove(watcher) || list.Count > 0) return;
        table.Remove(watcher.Path);
        if (table != _exact) return;
        _exactPathsPerShard[WatchStreams.ShardOf(watcher.Path)]--;
        _tracked.Remove(watcher.Path);
    }

    private bool IsNeeded(int shard)
    {
        lock (_gate) return _recursive.Count > 0 || _exactPathsPerShard[shard] > 0;
    }

    private List<Watcher> AllWatchers()
    {
        lock (_gate) return [.. _exact.Values.SelectMany(list => list).Concat(_recursive.Values.SelectMany(list => list))];
    }

    private static IEnumerable<Watcher> WatchersAt(Dictionary<string, List<Watcher>> table, string path) =>
        table.TryGetValue(path, out var list) ? [.. list] : [];

    /// <summary><c>/a/b/c</c>, <c>/a/b</c>, <c>/a</c>, <c>/</c>.</summary>
    private static IEnumerable<string> SelfAndAncestors(string path)
    {
        yield return path;
        for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1)) yield return path[..slash];
        if (path != ZNodes.ZNodePath.Root) yield return ZNodes.ZNodePath.Root;
    }

    private sealed class Registration(WatchHub hub, Watcher watcher) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _disposed, 1) == 0 ? new ValueTask(hub.RemoveAsync(watcher)) : ValueTask.CompletedTask;
    }
}
