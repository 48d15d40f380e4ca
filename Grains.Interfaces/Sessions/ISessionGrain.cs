namespace OrleansCoord.Sessions;

/// <summary>
/// A client session, keyed by its 64-bit id. It lives while heartbeats arrive within its timeout;
/// when it is closed or expires, every ephemeral it owns is deleted.
/// </summary>
[Alias("coord.session")]
public interface ISessionGrain : IGrainWithIntegerKey
{
    /// <summary>Opens the session; the timeout is negotiated into the grid's range and returned.</summary>
    [Alias("open")] Task<SessionInfo> Open(int requestedTimeoutMs);

    /// <summary>Keeps the session alive. Throws SessionExpired for a closed, expired or unknown session.</summary>
    [Alias("heartbeat")] Task<SessionInfo> Heartbeat();

    /// <summary>Closes the session and deletes its ephemerals. Closing an ended session does nothing.</summary>
    [Alias("close")] Task Close();

    /// <summary>The paths of the ephemerals this session owns (ZooKeeper's getEphemerals). Empty for an ended session.</summary>
    [Alias("ephemerals")] Task<string[]> GetEphemerals();
}

[GenerateSerializer, Immutable]
public sealed record SessionInfo([property: Id(0)] long SessionId, [property: Id(1)] int TimeoutMs);
