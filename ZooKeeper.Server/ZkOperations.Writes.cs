using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Sessions;
using OrleansCoord.Grains.Identities;
using OrleansCoord.ZooKeeper.Server.Protocol;
using OrleansCoord.ZNodes;

namespace OrleansCoord.ZooKeeper.Server;

internal sealed partial class ZkOperations
{
    private async Task<ZkReply> CreateAsync(int xid, int type, CreateRecord request)
    {
        var (acl, refused) = CheckCreate(type, request);
        if (refused is { } error) return ZkReply.Failed(xid, error);
        var path = request.Path!;
        var mode = (CreateMode)request.Flags;
        // Null data stays null (ZooKeeper reads it back as length -1), as do a multi's and setData's.
        var (result, failure) = await session.ZNodes.CreateAsync(path, request.Data, mode, request.Ttl, acl);
        if (result is null) return ZkReply.Failed(xid, failure);

        return new ZkReply
        {
            Xid = xid,
            Revision = result.Stat.Czxid,
            Body = type == OpCode.Create ? w => w.WriteString(result.Path) : w => { w.WriteString(result.Path); w.WriteStat(result.Stat); },
            Observed = [(result.Path, result.Stat)],
        };
    }

    /// <summary>The error ZooKeeper gives a create before it touches anything, or null when it may go ahead.</summary>
    /// <remarks>On success, also the ACL the node gets: <c>auth</c> entries become this connection's digest identities.</remarks>
    private (AclEntry[]? Acl, CoordErrorCode? Error) CheckCreate(int type, CreateRecord request)
    {
        var mode = (CreateMode)request.Flags;
        if (!Enum.IsDefined(mode)) return (null, CoordErrorCode.BadArguments);
        if (type == OpCode.CreateContainer && !mode.IsContainer()) return (null, CoordErrorCode.BadArguments);
        if (type == OpCode.CreateTtl != mode.IsTtl()) return (null, CoordErrorCode.BadArguments);
        try
        {
            var acl = Acl.Resolve(request.Path, request.Acl, session.Identities);
            ZNodeRequests.ValidateCreate(request.Path, request.Data, mode, request.Ttl);
            return (acl, null);
        }
        catch (CoordException exception)
        {
            return (null, exception.Code);
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
        var (_, error) = await session.ZNodes.DeleteAsync(path, request.Version);
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
        var (stat, error) = await session.ZNodes.SetDataAsync(path, request.Data, request.Version);
        if (stat is null) return ZkReply.Failed(xid, error);
        return new ZkReply { Xid = xid, Revision = stat.Mzxid, Body = w => w.WriteStat(stat), Observed = [(path, stat)] };
    }

    /// <summary>setACL: ADMIN on the znode, the ACL resolved like a create's, the ACL version checked; bumps aversion.</summary>
    private async Task<ZkReply> SetAclAsync(int xid, SetAclRecord request)
    {
        if (Invalid(request.Path) is { } bad) return ZkReply.Failed(xid, bad);
        AclEntry[] acl;
        try
        {
            acl = Acl.Resolve(request.Path, request.Acl, session.Identities);
            ZNodeRequests.ValidateVersion(request.Path!, request.Version);
        }
        catch (CoordException exception)
        {
            return ZkReply.Failed(xid, exception.Code);
        }

        var (stat, error) = await session.ZNodes.SetAclAsync(request.Path!, acl, request.Version);
        return stat is null ? ZkReply.Failed(xid, error) : ZkReply.Ok(xid, w => w.WriteStat(stat));
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

    /// <summary>
    /// An auth packet: <c>digest user:password</c> adds the identity <c>digest:user:base64(sha1(user:password))</c> to this
    /// connection, as ZooKeeper's DigestAuthenticationProvider does (no password is checked: the ACLs decide). Other
    /// schemes, and digest data without <c>user:</c>, get AuthFailed and the connection closes, as in ZooKeeper.
    /// <c>x509</c> adds nothing: it answers Ok on a connection that has a verified client certificate (whose identity it
    /// already holds) and AuthFailed on any other.
    /// </summary>
    private ZkReply Auth(AuthRecord request)
    {
        if (request.Scheme == "digest" && request.Auth is { Length: > 0 } auth && Array.IndexOf(auth, (byte)':') > 0)
        {
            var identity = new AuthId("digest", Acl.Digest(System.Text.Encoding.UTF8.GetString(auth)));
            if (!session.Identities.Contains(identity)) session.Identities = [.. session.Identities, identity];
            return ZkReply.Ok(Xid.Auth);
        }

        // x509 as ZooKeeper's provider: the identity comes from the connection's verified certificate (added when the
        // connection was made), never from the packet's data; without such a certificate the scheme fails.
        if (request.Scheme == X509Identity.Scheme && session.Identities.Any(id => id.Scheme == X509Identity.Scheme)) return ZkReply.Ok(Xid.Auth);

        return new ZkReply { Xid = Xid.Auth, Error = CoordErrorCode.AuthFailed, CloseAfter = true };
    }
}
