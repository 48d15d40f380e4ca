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
    private readonly WatchRoutes<Watcher> _routes = new();
    private readonly Dictionary<string, TrackedNode> _tracked = new(StringComparer.Ordinal);
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
        get { lock (_gate) return !_routes.IsEmpty; }
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
                await _subscriptions.EnsureAsync(IsSubtree(watcher)
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
            if (_routes.HasPath(path)) _tracked.TryAdd(path, known);
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
            [.. _routes.At(path, subtree: false).Concat(_routes.At(path, subtree: true)).Where(w => w.Kind.RemovedBy(type))]);
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
        List<Watcher> targets;
        lock (_gate)
        {
            targets = _routes.Match(change);
            if (!change.Coalesced && _tracked.TryGetValue(change.Path, out var known)) _tracked[change.Path] = known.After(change);
        }

        foreach (var watcher in targets)
        {
            if (watcher.Offer(change)) _ = RemoveAsync(watcher);
        }
    }

    private void Register(Watcher watcher) => _routes.Add(watcher.Path, IsSubtree(watcher), watcher);

    private void Unregister(Watcher watcher)
    {
        var subtree = IsSubtree(watcher);
        // What is known of a path goes with its last watcher of that path (a subtree's root is read anew each time).
        if (_routes.Remove(watcher.Path, subtree, watcher).PathUnwatched && !subtree) _tracked.Remove(watcher.Path);
    }

    private static bool IsSubtree(Watcher watcher) => watcher.Kind == WatchKind.PersistentRecursive;

    private bool IsNeeded(int shard)
    {
        lock (_gate) return _routes.NeedsShard(shard);
    }

    private List<Watcher> AllWatchers()
    {
        lock (_gate) return _routes.All();
    }

    private sealed class Registration(WatchHub hub, Watcher watcher) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _disposed, 1) == 0 ? new ValueTask(hub.RemoveAsync(watcher)) : ValueTask.CompletedTask;
    }
}
