using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.SessionLayer;
using OrleansCoord.ZooKeeper.Server.Protocol;
using OrleansCoord.ZooKeeper.Server.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// Maps wire requests onto the grid's grains through the session layer the SDK uses too (SessionLayer/ZNodeCalls.cs), so
/// that what a wire client and an SDK client do are the same znodes, sessions and events. Reads are here, writes in
/// ZkOperations.Writes.cs, multi in ZkOperations.Multi.cs, watches in ZkOperations.Watches.cs.
/// </summary>
internal sealed partial class ZkOperations(ZkSessionContext session, ILogger logger)
{
    public Task<ZkReply> RunAsync(ZkRequest request)
    {
        // The grain calls of this request carry the connection's credential; the grains verify it and check ACLs (NoAuth).
        Caller.Use(session.Credential);
        ZkUnknownFailures.Enter(logger, session.SessionId, request);
        return SystemNode(request) ?? Dispatch(request);
    }

    private Task<ZkReply> Dispatch(ZkRequest request) => request.Type switch
    {
        OpCode.Ping => Task.FromResult(ZkReply.Ok(Xid.Ping)),
        OpCode.Create or OpCode.Create2 or OpCode.CreateContainer or OpCode.CreateTtl => CreateAsync(request.Xid, request.Type, (CreateRecord)request.Body),
        OpCode.Delete => DeleteAsync(request.Xid, (PathVersionRecord)request.Body),
        OpCode.SetData => SetDataAsync(request.Xid, (SetDataRecord)request.Body),
        OpCode.Exists => ExistsAsync(request.Xid, (PathWatchRecord)request.Body),
        OpCode.GetData => GetDataAsync(request.Xid, (PathWatchRecord)request.Body),
        OpCode.GetChildren or OpCode.GetChildren2 => GetChildrenAsync(request.Xid, (PathWatchRecord)request.Body, withStat: request.Type == OpCode.GetChildren2),
        OpCode.GetAllChildrenNumber => GetAllChildrenNumberAsync(request.Xid, (PathRecord)request.Body),
        OpCode.Sync => SyncAsync(request.Xid, (PathRecord)request.Body),
        OpCode.GetAcl => GetAclAsync(request.Xid, (PathRecord)request.Body),
        OpCode.SetAcl => SetAclAsync(request.Xid, (SetAclRecord)request.Body),
        OpCode.Multi => MultiAsync(request.Xid, (MultiRecord)request.Body),
        OpCode.MultiRead => MultiReadAsync(request.Xid, (MultiRecord)request.Body),
        OpCode.CloseSession => CloseAsync(request.Xid),
        OpCode.Auth => Task.FromResult(Auth((AuthRecord)request.Body)),
        OpCode.SetWatches or OpCode.SetWatches2 => SetWatchesAsync(request.Xid, (SetWatchesRecord)request.Body),
        OpCode.AddWatch => AddWatchAsync(request.Xid, (AddWatchRecord)request.Body),
        OpCode.RemoveWatches or OpCode.CheckWatches => Task.FromResult(RemoveWatches(request.Xid, (WatchTypeRecord)request.Body, remove: request.Type == OpCode.RemoveWatches)),
        OpCode.GetEphemerals => GetEphemeralsAsync(request.Xid, (PathRecord)request.Body),
        OpCode.WhoAmI => Task.FromResult(ZkReply.Ok(request.Xid, w => ZkAcl.WriteClientInfos(w, session.Identities))),
        _ => Task.FromResult(new ZkReply { Xid = request.Xid, Error = CoordErrorCode.Unimplemented, CloseAfter = true }),
    };

    private IZNodeGrain Node(string path) => session.Grains.GetStringKeyGrain<IZNodeGrain>(path);

    /// <summary>A read: retried while the grid gives no answer, within the patience this session's timeout allows.</summary>
    private Task<GridCallOutcome<T>> ReadAsync<T>(Func<Task<T>> call) =>
        ZkGridCalls.RunAsync(call, ZkGridCalls.ReadPatienceFor(session.TimeoutMs));

    /// <summary>
    /// Takes a watch's interest (its count and the silo's registration with the path's watch shard) before the read
    /// it goes with. The registration is a grid call like a read: retried while the shard's silo is unreachable (it
    /// may be dying, and the cluster has not said so yet), within the read's patience; Ok, or the code to answer
    /// (ConnectionLoss closes the connection, and the client sets the watch again, reconnected).
    /// </summary>
    private async Task<CoordErrorCode> WatchAsync(string path, bool subtree = false) =>
        (await ReadAsync(async () =>
        {
            await session.Interest.AcquireAsync(path, subtree);
            return true;
        })).Error;

    private async Task<ZkReply> ExistsAsync(int xid, PathWatchRecord request)
    {
        if (Invalid(request.Path) is { } bad) return ZkReply.Failed(xid, bad);
        var path = request.Path!;
        if (request.Watch && await WatchAsync(path) is not CoordErrorCode.Ok and var unwatched) return ZkReply.Failed(xid, unwatched);
        var (stat, error) = await session.ZNodes.ExistsAsync(path);
        if (error == CoordErrorCode.Ok && stat is null) error = CoordErrorCode.NoNode;
        var watched = request.Watch && error is CoordErrorCode.Ok or CoordErrorCode.NoNode;
        if (request.Watch && !watched) session.Interest.Release(path);
        return new ZkReply
        {
            Xid = xid,
            Error = error,
            Body = stat is null ? null : w => w.WriteStat(stat),
            Observed = error is CoordErrorCode.Ok or CoordErrorCode.NoNode ? [(path, stat)] : null,
            Watch = watched ? WatchKind.Exist : null,
            WatchPath = path,
            WatchStat = stat,
        };
    }

    private async Task<ZkReply> GetDataAsync(int xid, PathWatchRecord request)
    {
        if (Invalid(request.Path) is { } bad) return ZkReply.Failed(xid, bad);
        var path = request.Path!;
        if (request.Watch && await WatchAsync(path) is not CoordErrorCode.Ok and var unwatched) return ZkReply.Failed(xid, unwatched);
        var (node, error) = await session.ZNodes.GetDataAsync(path);
        if (node is null)
        {
            if (request.Watch) session.Interest.Release(path);
            return new ZkReply { Xid = xid, Error = error, Observed = error == CoordErrorCode.NoNode ? [(path, null)] : null };
        }

        return new ZkReply
        {
            Xid = xid,
            Body = w => { w.WriteBufferOrNull(node.DataIsNull ? null : node.Data); w.WriteStat(node.Stat); },
            Observed = [(path, node.Stat)],
            Watch = request.Watch ? WatchKind.Data : null,
            WatchPath = path,
            WatchStat = node.Stat,
        };
    }

    private async Task<ZkReply> GetChildrenAsync(int xid, PathWatchRecord request, bool withStat)
    {
        if (Invalid(request.Path) is { } bad) return ZkReply.Failed(xid, bad);
        var path = request.Path!;
        if (request.Watch && await WatchAsync(path) is not CoordErrorCode.Ok and var unwatched) return ZkReply.Failed(xid, unwatched);
        var (children, error) = await session.ZNodes.GetChildrenAsync(path);
        if (children is null)
        {
            if (request.Watch) session.Interest.Release(path);
            return new ZkReply { Xid = xid, Error = error, Observed = error == CoordErrorCode.NoNode ? [(path, null)] : null };
        }

        return new ZkReply
        {
            Xid = xid,
            Body = w =>
            {
                w.WriteStringVector(children.Children);
                if (withStat) w.WriteStat(children.Stat);
            },
            Observed = [(path, children.Stat)],
            ObservedChildren = (path, children.Children, children.Stat.Pzxid),
            Watch = request.Watch ? WatchKind.Children : null,
            WatchPath = path,
            WatchStat = children.Stat,
        };
    }

    private async Task<ZkReply> GetAllChildrenNumberAsync(int xid, PathRecord request)
    {
        if (Invalid(request.Path) is { } bad) return ZkReply.Failed(xid, bad);
        var (count, error) = await session.ZNodes.GetAllChildrenNumberAsync(request.Path!);
        return error != CoordErrorCode.Ok ? ZkReply.Failed(xid, error) : ZkReply.Ok(xid, w => w.WriteInt(count));
    }

    private async Task<ZkReply> SyncAsync(int xid, PathRecord request)
    {
        if (Invalid(request.Path) is { } bad) return ZkReply.Failed(xid, bad);
        var path = request.Path!;
        var (revision, error) = await session.ZNodes.SyncAsync(path);
        if (error != CoordErrorCode.Ok) return ZkReply.Failed(xid, error);
        return ZkReply.Ok(xid, w => w.WriteString(path), revision);
    }

    private async Task<ZkReply> GetAclAsync(int xid, PathRecord request)
    {
        if (Invalid(request.Path) is { } bad) return ZkReply.Failed(xid, bad);
        // Not the session layer's getACL: the wire server's never raised the session's revision (the SDK's does).
        var (result, error) = await ReadAsync(() => Node(request.Path!).GetAcl());
        if (result is null) return ZkReply.Failed(xid, error);
        return ZkReply.Ok(xid, w => { ZkAcl.WriteVector(w, result.Acl); w.WriteStat(result.Stat); });
    }

    /// <summary>BadArguments for a path ZooKeeper's rules refuse (ZooKeeper answers a bad path the same way).</summary>
    private static CoordErrorCode? Invalid(string? path, bool sequential = false) =>
        ZNodePath.Check(path, sequential) is null ? null : CoordErrorCode.BadArguments;
}
