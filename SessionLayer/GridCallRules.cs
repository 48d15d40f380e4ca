using OrleansCoord.Acls;

namespace OrleansCoord.SessionLayer;

/// <summary>
/// How a front door wants its grid calls run (<see cref="GridCalls"/>): the SDK waits for the grid within its request
/// timeout and lets exceptions tell the rest; the ZooKeeper server must answer within its clients' patience and
/// closes the connection rather than answer an unanswered read. Made once per front door or session, never per request.
/// </summary>
public sealed class GridCallRules
{
    /// <summary>How long a write refused without being applied (a conflict) is sent again.</summary>
    public required TimeSpan WritePatience { get; init; }

    /// <summary>Each attempt of a read is bounded by the read's remaining patience too: one that hangs (storage that
    /// answers nothing, a silo that froze) must not outlast it; its late answer is dropped (a read changes nothing).</summary>
    public bool BoundReadAttempts { get; init; }

    /// <summary>A read that would have been asked again, had patience remained, ends as ConnectionLoss (the ZooKeeper
    /// server then closes the connection, as a server without quorum does) instead of the policy's code.</summary>
    public bool UnansweredReadsLoseConnection { get; init; }

    /// <summary>What each attempt carries (Acls.Caller), read anew per attempt, so a renewed credential goes with the
    /// next one; null when the front door sets it once for the whole request (the wire server does).</summary>
    public Func<CallerCredential>? Credential { get; init; }

    /// <summary>Told of each failure the retry policy does not know, before it is answered SystemError.</summary>
    public Action<Exception>? ReportUnknownFailure { get; init; }
}
