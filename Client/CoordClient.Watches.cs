using System.Threading.Channels;
using OrleansCoord.Errors;
using OrleansCoord.Watches;
using OrleansCoord.ZNodes;
using OrleansCoord.SessionLayer;

namespace OrleansCoord.Client;

public sealed partial class CoordClient
{
    /// <summary>
    /// A persistent watch on one znode (ZooKeeper's <c>addWatch</c> PERSISTENT): its creation, data changes,
    /// changes to its children and deletion, in revision order, until <paramref name="cancellationToken"/> fires.
    /// </summary>
    public IAsyncEnumerable<WatchEvent> WatchAsync(string path, CancellationToken cancellationToken = default) =>
        WatchAsync(path, recursive: false, cancellationToken);

    /// <summary>
    /// As <see cref="WatchAsync(string, CancellationToken)"/>; with <paramref name="recursive"/>, the creation, data
    /// changes and deletion of every znode in the subtree (ZooKeeper's PERSISTENT_RECURSIVE).
    /// </summary>
    /// <remarks>Session events come too, as <see cref="WatchEventType.None"/> with a <see cref="WatchState"/>.</remarks>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(string path, bool recursive,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var watch = await AddWatchAsync(path, recursive ? AddWatchMode.PersistentRecursive : AddWatchMode.Persistent);
        await foreach (var change in watch.ReadAllAsync(cancellationToken)) yield return change;
    }

    /// <summary>As <see cref="WatchAsync(string, bool, CancellationToken)"/>, but subscribed when the returned task
    /// completes: every change after that is in it. It ends when removed (<see cref="RemoveWatchesAsync"/>) or when
    /// the session ends.</summary>
    public async Task<ZNodeWatch> AddWatchAsync(string path, AddWatchMode mode = AddWatchMode.Persistent)
    {
        ZNodePath.Validate(path);
        if (!Enum.IsDefined(mode)) throw CoordException.BadArguments(path, $"unknown watch mode {(int)mode}");
        ThrowIfEnded();
        var channel = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
        var recursive = mode == AddWatchMode.PersistentRecursive;
        var watcher = new Watcher(path, recursive ? WatchKind.PersistentRecursive : WatchKind.Persistent,
            change => channel.Writer.TryWrite(change))
        {
            Finished = () => channel.Writer.TryComplete(),
        };

        return new ZNodeWatch(channel.Reader, await AddPersistentWatcherAsync(watcher));
    }

    /// <summary>Registers a watcher with its watch shards, a grid call like a read: sent again while a shard's silo is
    /// unreachable (it may be dying, and the cluster has not said so yet) within the request timeout, then
    /// ConnectionLoss; never the transport's own exception. A failed attempt leaves nothing registered.</summary>
    private Task<IAsyncDisposable> AddWatcherAsync(Watcher watcher) =>
        _runner.RunAsync(watcher.Path, idempotent: true, () => _watches.AddAsync(watcher), CancellationToken.None);

    /// <summary>Registers a persistent watcher that starts from a read of its znode (a recursive one: of its root):
    /// older events of that znode are not reported, and a resync starts there.</summary>
    private async Task<IAsyncDisposable> AddPersistentWatcherAsync(Watcher watcher)
    {
        var registration = await AddWatcherAsync(watcher);
        try
        {
            if (watcher.Kind == WatchKind.PersistentRecursive)
            {
                watcher.SetBaseline(TrackedNode.Of(await ExistsAsync(watcher.Path)).Revision);
                return registration;
            }

            if (_watches.NeedsBaseline(watcher.Path)) _watches.Track(watcher.Path, TrackedNode.Of(await ExistsAsync(watcher.Path)));
            watcher.SetBaseline(_watches.BaselineOf(watcher.Path));
            return registration;
        }
        catch
        {
            await registration.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Removes this client's watches of <paramref name="type"/> on <paramref name="path"/> (ZooKeeper's
    /// <c>removeAllWatches</c>, local): each removed watcher hears DataWatchRemoved, ChildWatchRemoved or
    /// PersistentWatchRemoved, and nothing after. Throws NoWatcher when there is none.
    /// </summary>
    public Task RemoveWatchesAsync(string path, WatcherType type)
    {
        ZNodePath.Validate(path);
        if (!Enum.IsDefined(type)) throw CoordException.BadArguments(path, $"unknown watcher type {(int)type}");
        return _watches.RemoveWatchesAsync(path, type);
    }

    /// <summary>Reads data and Stat, and sets a one-shot data watch: <paramref name="watcher"/> is called once, on the
    /// next NodeDataChanged or NodeDeleted after this read (and with session events meanwhile).</summary>
    public Task<NodeData> GetDataAsync(string path, Action<WatchEvent> watcher, CancellationToken cancellationToken = default) =>
        WatchOnceAsync(path, WatchKind.Data, watcher, () => GetDataAsync(path, cancellationToken), read => read.Stat);

    /// <summary>The Stat or null, and a one-shot exists watch: called once, on the next NodeCreated,
    /// NodeDataChanged or NodeDeleted after this read.</summary>
    public Task<Stat?> ExistsAsync(string path, Action<WatchEvent> watcher, CancellationToken cancellationToken = default) =>
        WatchOnceAsync(path, WatchKind.Exist, watcher, () => ExistsAsync(path, cancellationToken), stat => stat);

    /// <summary>The children and a one-shot child watch: called once, on the next NodeChildrenChanged or NodeDeleted.</summary>
    public Task<ChildrenResult> GetChildrenAsync(string path, Action<WatchEvent> watcher, CancellationToken cancellationToken = default) =>
        WatchOnceAsync(path, WatchKind.Children, watcher, () => GetChildrenAsync(path, cancellationToken), read => read.Stat);

    /// <summary>
    /// Subscribes first, then reads, so no change between the two is missed; the watcher fires for the first
    /// matching event newer than what the read returned, then the registration goes.
    /// </summary>
    private async Task<T> WatchOnceAsync<T>(string path, WatchKind kind, Action<WatchEvent> callback, Func<Task<T>> read,
        Func<T, Stat?> statOf)
    {
        ZNodePath.Validate(path);
        ThrowIfEnded();
        var watcher = new Watcher(path, kind, callback);
        var registration = await AddWatcherAsync(watcher);
        try
        {
            var result = await read();
            var stat = statOf(result);
            _watches.Track(path, TrackedNode.Of(stat));
            var baseline = kind == WatchKind.Children ? stat?.Pzxid ?? 0 : stat?.Mzxid ?? 0;
            if (watcher.SetBaseline(baseline)) await registration.DisposeAsync();
            return result;
        }
        catch
        {
            await registration.DisposeAsync();
            throw;
        }
    }

    /// <summary>Hands the session's state changes to the watchers, and resynchronises them after a reconnection.</summary>
    private void OnSessionStateChanged(SessionState state)
    {
        switch (state)
        {
            case SessionState.Disconnected:
                _ = _watches.NotifySessionAsync(WatchState.Disconnected);
                break;
            case SessionState.Connected:
                _ = _watches.NotifySessionAsync(WatchState.SyncConnected);
                _resyncer.Request(renew: true, TimeSpan.Zero);
                break;
            case SessionState.Expired:
                _ = _watches.NotifySessionAsync(WatchState.Expired);
                break;
        }
    }

    /// <summary>A gateway came or went: a silo may have died with events in its queues. Renew and resync once the
    /// cluster has had a moment, and check again once its failure detection has surely declared the silo dead.</summary>
    private void OnGatewaysChanged()
    {
        _resyncer.Request(renew: true, TimeSpan.FromSeconds(2));
        _resyncer.Request(renew: false, TimeSpan.FromSeconds(15));
    }
}
