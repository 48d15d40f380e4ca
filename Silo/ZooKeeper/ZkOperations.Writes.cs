using OrleansCoord.Errors;
using OrleansCoord.Sessions;
using OrleansCoord.Silo.ZooKeeper.Protocol;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Silo.ZooKeeper;

internal sealed partial class ZkOperations
{
    private async Task<ZkReply> CreateAsync(int xid, int type, CreateRecord request)
    {
        if (CheckCreate(type, request) is { } refused) return ZkReply.Failed(xid, refused);
        var path = request.Path!;
        var mode = (CreateMode)request.Flags;
        var data = request.Data ?? [];
        var create = new CreateRequest(ZNodePath.Name(path), data, mode, request.Ttl, session.SessionId, 0);
        var parent = Node(ZNodePath.Parent(path));
        var (result, error) = await ZkGridCalls.RunAsync(() => parent.CreateChild(create with { MinRevision = session.LastRevision }));
        if (result is null) return ZkReply.Failed(xid, error);

        session.ObserveRevision(result.Stat.Czxid);
        return new ZkReply
        {
            Xid = xid,
            Revision = result.Stat.Czxid,
            Body = type == OpCode.Create ? w => w.WriteString(result.Path) : w => { w.WriteString(result.Path); w.WriteStat(result.Stat); },
            Observed = [(result.Path, result.Stat)],
        };
    }

    /// <summary>The error ZooKeeper gives a create before it touches anything, or null when it may go ahead.</summary>
    private CoordErrorCode? CheckCreate(int type, CreateRecord request)
    {
        var mode = (CreateMode)request.Flags;
        if (!Enum.IsDefined(mode)) return CoordErrorCode.BadArguments;
        if (type == OpCode.CreateContainer && !mode.IsContainer()) return CoordErrorCode.BadArguments;
        if (type == OpCode.CreateTtl != mode.IsTtl()) return CoordErrorCode.BadArguments;
        try
        {
            ZkAcl.Validate(request.Path ?? "", request.Acl, session.Authenticated);
            ZNodeRequests.ValidateCreate(request.Path, request.Data, mode, request.Ttl);
            return null;
        }
        catch (CoordException exception)
        {
            return exception.Code;
        }
    }

    private async Task<ZkReply> DeleteAsync(int xid, PathVersionRecord request)
    {
        try
        {
            ZNodeRequests.ValidateDelete(request.Path, request.Version);
        }
        catch (CoordException exception)
        {
            return ZkReply.Failed(xid, exception.Code);
        }

        var path = request.Path!;
        var (_, error) = await ZkGridCalls.RunAsync(async () =>
        {
            await Node(ZNodePath.Parent(path)).DeleteChild(ZNodePath.Name(path), request.Version, session.LastRevision);
            return true;
        });
        return new ZkReply { Xid = xid, Error = error, Observed = error == CoordErrorCode.Ok ? [(path, null)] : null };
    }

    private async Task<ZkReply> SetDataAsync(int xid, SetDataRecord request)
    {
        try
        {
            ZNodeRequests.ValidateSet(request.Path, request.Data, request.Version);
        }
        catch (CoordException exception)
        {
            return ZkReply.Failed(xid, exception.Code);
        }

        var path = request.Path!;
        var (stat, error) = await ZkGridCalls.RunAsync(() => Node(path).SetData(request.Data ?? [], request.Version, session.LastRevision));
        if (stat is null) return ZkReply.Failed(xid, error);
        session.ObserveRevision(stat.Mzxid);
        return new ZkReply { Xid = xid, Revision = stat.Mzxid, Body = w => w.WriteStat(stat), Observed = [(path, stat)] };
    }

    /// <summary>
    /// Checks the ACL and the version like ZooKeeper and answers with the Stat, but the grid does not keep ACLs yet:
    /// every znode stays world:anyone (docs/adr/009-zookeeper-protocol.md).
    /// </summary>
    private async Task<ZkReply> SetAclAsync(int xid, SetAclRecord request)
    {
        if (Invalid(request.Path) is { } bad) return ZkReply.Failed(xid, bad);
        try
        {
            ZkAcl.Validate(request.Path!, request.Acl, session.Authenticated);
            ZNodeRequests.ValidateVersion(request.Path!, request.Version);
        }
        catch (CoordException exception)
        {
            return ZkReply.Failed(xid, exception.Code);
        }

        var (stat, error) = await ZkGridCalls.RunAsync(() => Node(request.Path!).Exists(), idempotent: true);
        if (error == CoordErrorCode.Ok && stat is null) error = CoordErrorCode.NoNode;
        if (error == CoordErrorCode.Ok && request.Version != -1 && request.Version != stat!.Aversion) error = CoordErrorCode.BadVersion;
        return error != CoordErrorCode.Ok ? ZkReply.Failed(xid, error) : ZkReply.Ok(xid, w => w.WriteStat(stat!));
    }

    private async Task<ZkReply> CloseAsync(int xid)
    {
        var (_, error) = await ZkGridCalls.RunAsync(async () =>
        {
            await session.Grains.GetGrain<ISessionGrain>(session.SessionId).Close();
            return true;
        });
        return new ZkReply { Xid = xid, Error = error, CloseAfter = true };
    }

    /// <summary>Digest authentication is accepted as ZooKeeper accepts it (it only records who the client says it is);
    /// other schemes fail with AuthFailed, and ZooKeeper then closes the connection.</summary>
    private ZkReply Auth(AuthRecord request)
    {
        if (request.Scheme == "digest" && request.Auth is { Length: > 0 } auth && Array.IndexOf(auth, (byte)':') > 0)
        {
            session.Authenticated = true;
            return ZkReply.Ok(Xid.Auth);
        }

        return new ZkReply { Xid = Xid.Auth, Error = CoordErrorCode.AuthFailed, CloseAfter = true };
    }
}
