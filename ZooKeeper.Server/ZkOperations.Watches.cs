using OrleansCoord.Errors;
using OrleansCoord.Sessions;
using OrleansCoord.ZooKeeper.Server.Protocol;
using OrleansCoord.ZooKeeper.Server.Watches;
using OrleansCoord.Watches;
using OrleansCoord.ZNodes;
using OrleansCoord.SessionLayer;

namespace OrleansCoord.ZooKeeper.Server;

internal sealed partial class ZkOperations
{
    /// <summary>
    /// setWatches / setWatches2 after a reconnect: for each watch the client held, what changed since its last zxid
    /// fires now (as ZooKeeper's DataTree.setWatches decides), and the rest are registered again. The reply echoes the
    /// request's xid, as ZooKeeper's does: the 3.8 Java client queues setWatches with xid -8 but numbers it like any
    /// request when it sends it, and takes a reply with another xid as out of order (it drops the connection).
    /// </summary>
    private async Task<ZkReply> SetWatchesAsync(int xid, SetWatchesRecord request)
    {
        var relative = request.RelativeZxid;
        var oneShot = request.DataWatches.Select(p => (Path: p, Kind: WatchKind.Data))
            .Concat(request.ExistWatches.Select(p => (Path: p, Kind: WatchKind.Exist)))
            .Concat(request.ChildWatches.Select(p => (Path: p, Kind: WatchKind.Children)))
            // /zookeeper/config and /quota never change and are not stored (SystemNode): a watch there has nothing to
            // report, and a check against the store would report them deleted.
            .Where(w => ZNodePath.Check(w.Path) is null && w.Path is not (ConfigNode or QuotaNode)).ToList();
        var persistent = request.PersistentWatches.Where(p => ZNodePath.Check(p) is null).ToList();
        var recursive = request.PersistentRecursiveWatches.Where(p => ZNodePath.Check(p) is null).ToList();

        var checkedWatches = await Task.WhenAll(oneShot.Select(async watch =>
        {
            if (await WatchAsync(watch.Path) is not CoordErrorCode.Ok and var unwatched)
            {
                return (watch.Path, watch.Kind, Stat: (Stat?)null, Error: unwatched, Held: false);
            }

            var (stat, error) = await ReadAsync(() => Node(watch.Path).Exists());
            return (watch.Path, watch.Kind, Stat: stat, Error: error, Held: true);
        }));
        // A check or a registration the grid could not serve: dropping that watch would lose it silently. The
        // connection closes instead (ZkGridCalls), and the client sends setWatches again on its next connection.
        var held = checkedWatches.Where(w => w.Held).Select(w => (w.Path, Subtree: false)).ToList();
        if (checkedWatches.Any(w => !w.Held || w.Error == CoordErrorCode.ConnectionLoss)) return GiveUpWatches(xid, held);
        foreach (var (path, subtree) in persistent.Select(p => (p, false)).Concat(recursive.Select(p => (p, true))))
        {
            if (await WatchAsync(path, subtree) is not CoordErrorCode.Ok) return GiveUpWatches(xid, held);
            held.Add((path, subtree));
        }

        var notifications = new List<WatchEvent>();
        var keep = new List<(string Path, WatchKind Kind, Stat? Stat)>();
        foreach (var (path, kind, stat, error, _) in checkedWatches)
        {
            WatchEvent? fired = error != CoordErrorCode.Ok ? null : kind switch
            {
                WatchKind.Exist => stat is null ? null : new WatchEvent(WatchEventType.NodeCreated, path, stat.Czxid),
                _ when stat is null => new WatchEvent(WatchEventType.NodeDeleted, path, 0),
                WatchKind.Data when stat.Mzxid > relative => new WatchEvent(WatchEventType.NodeDataChanged, path, stat.Mzxid),
                WatchKind.Children when stat.Pzxid > relative => new WatchEvent(WatchEventType.NodeChildrenChanged, path, stat.Pzxid),
                _ => null,
            };
            if (fired is not null) notifications.Add(fired);
            if (fired is null && (error == CoordErrorCode.Ok)) keep.Add((path, kind, stat));
            else session.Interest.Release(path);
        }

        return new ZkReply
        {
            Xid = xid,
            Notifications = notifications,
            RegistryAction = registry =>
            {
                foreach (var (path, kind, stat) in keep)
                {
                    if (!registry.AddOneShot(path, kind, stat)) session.Interest.Release(path);
                }

                foreach (var path in persistent)
                {
                    if (!registry.AddPersistent(path, recursive: false)) session.Interest.Release(path);
                }

                foreach (var path in recursive)
                {
                    if (!registry.AddPersistent(path, recursive: true)) session.Interest.Release(path, subtree: true);
                }

                return CoordErrorCode.Ok;
            },
        };
    }

    /// <summary>Gives back the interests <paramref name="held"/> took and closes the connection (ConnectionLoss).</summary>
    private ZkReply GiveUpWatches(int xid, IEnumerable<(string Path, bool Subtree)> held)
    {
        foreach (var (path, subtree) in held) session.Interest.Release(path, subtree: subtree);
        return ZkReply.Failed(xid, CoordErrorCode.ConnectionLoss);
    }

    /// <summary>
    /// addWatch: a persistent (mode 0) or persistent recursive (mode 1) watch, which stays until removed. A success
    /// carries an ErrorResponse body (one int, 0) after the header, as ZooKeeper 3.8's FinalRequestProcessor sends it:
    /// the Java client reads that int, and without it fails the read (EOFException) and drops the connection.
    /// </summary>
    private async Task<ZkReply> AddWatchAsync(int xid, AddWatchRecord request)
    {
        if (Invalid(request.Path) is { } bad || request.Mode is not (0 or 1)) return ZkReply.Failed(xid, CoordErrorCode.BadArguments);
        var path = request.Path!;
        var recursive = request.Mode == 1;
        if (await WatchAsync(path, recursive) is not CoordErrorCode.Ok and var unwatched) return ZkReply.Failed(xid, unwatched);
        return new ZkReply
        {
            Xid = xid,
            Body = w => w.WriteInt(0),
            RegistryAction = registry =>
            {
                if (!registry.AddPersistent(path, recursive)) session.Interest.Release(path, subtree: recursive);
                return CoordErrorCode.Ok;
            },
        };
    }

    /// <summary>
    /// removeWatches (or checkWatches, which only looks) for a watcher type: 1 children, 2 data, 3 any, 4 persistent,
    /// 5 persistent recursive. NoWatcher when the connection has none of that type on the path.
    /// </summary>
    private ZkReply RemoveWatches(int xid, WatchTypeRecord request, bool remove)
    {
        if (Invalid(request.Path) is { } bad || request.WatcherType is < 1 or > 5) return ZkReply.Failed(xid, CoordErrorCode.BadArguments);
        var path = request.Path!;
        var type = (WatcherType)request.WatcherType;
        return new ZkReply
        {
            Xid = xid,
            RegistryAction = registry =>
            {
                var child = WatchKind.Children.RemovedBy(type) && registry.HasOneShot(path, WatchKind.Children);
                var data = WatchKind.Data.RemovedBy(type) && (registry.HasOneShot(path, WatchKind.Data) || registry.HasOneShot(path, WatchKind.Exist));
                var persistent = WatchKind.Persistent.RemovedBy(type) && registry.HasPersistent(path, recursive: false);
                var recursive = WatchKind.PersistentRecursive.RemovedBy(type) && registry.HasPersistent(path, recursive: true);
                if (!(child || data || persistent || recursive)) return CoordErrorCode.NoWatcher;
                if (!remove) return CoordErrorCode.Ok;

                session.Interest.Release(path, registry.RemoveOneShot(path, data, child));
                if (persistent && registry.RemovePersistent(path, recursive: false)) session.Interest.Release(path);
                if (recursive && registry.RemovePersistent(path, recursive: true)) session.Interest.Release(path, subtree: true);
                return CoordErrorCode.Ok;
            },
        };
    }

    /// <summary>getEphemerals: the paths of this session's ephemerals that start with the prefix ("/" for all). A read (it lists
    /// storage), retried and closed like the others.</summary>
    private async Task<ZkReply> GetEphemeralsAsync(int xid, PathRecord request)
    {
        var prefix = string.IsNullOrEmpty(request.Path) ? "/" : request.Path;
        var (paths, error) = await ReadAsync(() => session.Grains.GetGrain<ISessionGrain>(session.SessionId).GetEphemerals());
        if (paths is null) return ZkReply.Failed(xid, error);
        var matching = paths.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        return ZkReply.Ok(xid, w => w.WriteStringVector(matching));
    }
}
