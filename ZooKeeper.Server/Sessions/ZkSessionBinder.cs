using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Sessions;
using OrleansCoord.ZooKeeper.Server.Protocol;

namespace OrleansCoord.ZooKeeper.Server.Sessions;

/// <summary>
/// The connect handshake: a new grid session (the ZooKeeper session id is the SessionGrain's id), or the resumption
/// of one on this silo, whichever silo it started on, when the id and password match and the session is alive.
/// </summary>
internal sealed class ZkSessionBinder(IGrainFactory grains, ZkSessionPasswords passwords, CallerCredentials credentials)
{
    private const int MaxIdAttempts = 10;

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
        for (var attempt = 0; ; attempt++)
        {
            var id = Random.Shared.NextInt64(1, long.MaxValue);
            try
            {
                var session = grains.GetGrain<ISessionGrain>(id);
                var info = await session.Open(timeoutMs);
                Caller.Use(info.Credential);
                await session.Attach(connection);
                return new ConnectResponse(info.TimeoutMs, info.SessionId, await passwords.PasswordForAsync(info.SessionId));
            }
            catch (RetryableConflictException) when (attempt < MaxIdAttempts)
            {
                // The id is taken: pick another, as the SDK does.
            }
        }
    }
}
