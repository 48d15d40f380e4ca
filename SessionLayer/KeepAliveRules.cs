using OrleansCoord.Acls;

namespace OrleansCoord.SessionLayer;

/// <summary>
/// How a front door keeps its session alive (<see cref="SessionKeepAlive"/>): the SDK beats for its own process and
/// takes its credential renewed from each beat; a ZooKeeper connection beats for its client while the client is heard
/// from, and issues its credential itself. Made once per session or connection.
/// </summary>
public sealed class KeepAliveRules
{
    /// <summary>Never more often than this, whatever the timeout or the credential says (one nearly ended by its certificate).</summary>
    public static readonly TimeSpan MinPeriod = TimeSpan.FromMilliseconds(200);

    /// <summary>The session's timeout: beats go a third of it apart.</summary>
    public required TimeSpan SessionTimeout { get; init; }

    /// <summary>What each beat carries (Acls.Caller), read anew per beat.</summary>
    public required Func<CallerCredential> Credential { get; init; }

    /// <summary>Beats go a third of the credential's lifetime apart when that is shorter (the SDK: its credential is
    /// renewed by the beats only, ADR 017). The grid's clock gives the lifetime, this one only the wait: no clocks are compared.</summary>
    public bool PaceByCredential { get; init; }

    /// <summary>Each beat waits for its answer one period at most (the SDK: a beat lost with a gateway counts as unreachable).</summary>
    public bool BoundEachBeat { get; init; }

    /// <summary>After a beat that did not reach the session, the next one goes this much later instead of a period (the
    /// SDK: a grid that is back is seen soon); null: a period.</summary>
    public TimeSpan? RetryAfterUnreachable { get; init; }

    /// <summary>Asked before each beat: false ends the keep-alive without it (a ZooKeeper connection whose client has
    /// been silent for a whole timeout: the connection closes, and its session lives no longer than its timeout).</summary>
    public Func<bool>? StillWanted { get; init; }

    /// <summary>Told of a renewed credential the session grain answered a beat with, and the one that beat carried.</summary>
    public Action<CallerCredential, CallerCredential>? Renewed { get; init; }
}
