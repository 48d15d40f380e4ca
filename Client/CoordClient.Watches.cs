using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Client;

public sealed partial class CoordClient
{
    /// <summary>
    /// A persistent watch on one znode (ZooKeeper's <c>addWatch</c> PERSISTENT): its creation, data changes,
    /// changes to its children and deletion, in revision order, until <paramref name="cancellationToken"/> fires.
    /// </summary>
    public IAsyncEnumerable<WatchEvent> WatchAsync(string path, CancellationToken cancellationToken = default)
    {
        ZNodePath.Validate(path);
        return _watches.StreamAsync(path, cancellationToken);
    }

    /// <summary>As <see cref="WatchAsync"/>, but subscribed when the returned task completes: every change after that is in it.</summary>
    public Task<ZNodeWatch> AddWatchAsync(string path)
    {
        ZNodePath.Validate(path);
        return _watches.OpenAsync(path);
    }

    /// <summary>Reads data and Stat, and sets a one-shot data watch: <paramref name="watcher"/> is called once, on the
    /// next NodeDataChanged or NodeDeleted after this read.</summary>
    public Task<NodeData> GetDataAsync(string path, Action<WatchEvent> watcher, CancellationToken cancellationToken = default) =>
        WatchOnceAsync(path, watcher, () => GetDataAsync(path, cancellationToken), read => read.Stat.Mzxid,
            WatchEventType.NodeDataChanged, WatchEventType.NodeDeleted);

    /// <summary>The Stat or null, and a one-shot exists watch: called once, on the next NodeCreated,
    /// NodeDataChanged or NodeDeleted after this read.</summary>
    public Task<Stat?> ExistsAsync(string path, Action<WatchEvent> watcher, CancellationToken cancellationToken = default) =>
        WatchOnceAsync(path, watcher, () => ExistsAsync(path, cancellationToken), stat => stat?.Mzxid ?? 0,
            WatchEventType.NodeCreated, WatchEventType.NodeDataChanged, WatchEventType.NodeDeleted);

    /// <summary>The children and a one-shot child watch: called once, on the next NodeChildrenChanged or NodeDeleted.</summary>
    public Task<ChildrenResult> GetChildrenAsync(string path, Action<WatchEvent> watcher, CancellationToken cancellationToken = default) =>
        WatchOnceAsync(path, watcher, () => GetChildrenAsync(path, cancellationToken), read => read.Stat.Pzxid,
            WatchEventType.NodeChildrenChanged, WatchEventType.NodeDeleted);

    /// <summary>
    /// Subscribes first, then reads, so no change between the two is missed; the watcher fires for the first
    /// matching event newer than what the read returned, then the registration goes.
    /// </summary>
    private async Task<T> WatchOnceAsync<T>(string path, Action<WatchEvent> watcher, Func<Task<T>> read, Func<T, long> revisionOf,
        params WatchEventType[] types)
    {
        ZNodePath.Validate(path);
        long seen = long.MaxValue;
        var fired = 0;
        IAsyncDisposable? registration = null;
        registration = await _watches.AddAsync(path, change =>
        {
            if (change.Revision <= Volatile.Read(ref seen) || !types.Contains(change.Type)) return;
            if (Interlocked.Exchange(ref fired, 1) == 1) return;
            _ = registration?.DisposeAsync().AsTask();
            watcher(change);
        });

        try
        {
            var result = await read();
            Volatile.Write(ref seen, revisionOf(result));
            return result;
        }
        catch
        {
            await registration.DisposeAsync();
            throw;
        }
    }
}
