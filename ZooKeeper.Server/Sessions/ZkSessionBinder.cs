using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Sessions;
using OrleansCoord.SessionLayer;
using OrleansCoord.ZooKeeper.Server.Protocol;

namespace OrleansCoord.ZooKeeper.Server.Sessions;

/// <summary>
/// The connect handshake: a new grid session (the ZooKeeper session id is the SessionGrain's id), or the resumption
/// of one on this silo, whichever silo it started on, when the id and password match and the session is alive.
/// </summary>
internal sealed class ZkSessionBinder(IGrainFactory grains, ZkSessionPasswords passwords, CallerCredentials credentials)
{
    /// <summary>The response, and the session's id and timeout (0 when the client is told its session has expired).</summary>
    /// <param name="request">The connect request.</param>
    /// <param name="connection">The connection that will hold the session: one that held it before gets SessionMoved.</param>
    public async Task<ConnectResponse> BindAsync(ConnectRequest request, Guid connection)
    {
        if (request.SessionId == 0) return await OpenAsync(request.TimeoutMs, connection);
        if (!await passwords.CheckAsync(request.SessionId, request.Password)) return ConnectResponse.Expired;
        try
        {
            Caller.Use(credentials.Issue(request.SessionId, []));
            var info = await grains.GetGrain<ISessionGrain>(request.SessionId).Attach(connection);
            return new ConnectResponse(info.TimeoutMs, info.SessionId, request.Password);
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.SessionExpired)
        {
            return ConnectResponse.Expired;
        }
    }

    private async Task<ConnectResponse> OpenAsync(int timeoutMs, Guid connection)
    {
        var (session, info) = await SessionOpening.OpenAsync(grains, timeoutMs);
        Caller.Use(info.Credential);
        await session.Attach(connection);
        return new ConnectResponse(info.TimeoutMs, info.SessionId, await passwords.PasswordForAsync(info.SessionId));
    }
}
