using OrleansCoord.SessionLayer;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// How the wire server runs its grain calls on the session layer's retry loop (SessionLayer/GridCalls.cs, shared with
/// the SDK): each read attempt bounded by the read's patience, an unanswered read answered ConnectionLoss (the
/// connection closes), a failure the retry policy does not know named in the log (<see cref="ZkUnknownFailures"/>).
/// Never an exception that could end the connection.
/// </summary>
internal static class ZkGridCalls
{
    /// <summary>How long the wire server retries a write refused without being applied.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>How long a read is retried while the silo of its grain is unreachable (it may be dying, and
    /// the cluster has not said so yet: 6-10 s on a quiet machine, more under load); bounded, because the replies
    /// after it wait, pings too. Past it the connection closes and the client retries, reconnected.</summary>
    private static readonly TimeSpan MaxReadPatience = TimeSpan.FromSeconds(15);

    /// <summary>The rules of every wire request; one instance, so a request allocates none.</summary>
    public static readonly GridCallRules Rules = new()
    {
        WritePatience = Patience,
        BoundReadAttempts = true,
        UnansweredReadsLoseConnection = true,
        ReportUnknownFailure = ZkUnknownFailures.Report,
    };

    /// <summary>
    /// The patience of a read for a session with this negotiated timeout: <see cref="MaxReadPatience"/>, but at most
    /// half the timeout. A ZooKeeper client drops a connection it has heard nothing from for 2/3 of its session
    /// timeout, and nothing comes while a read is pending (the replies after it wait, ping replies too); the client may
    /// have waited a while already when the read came in (it pings after a third of the timeout of quiet), so the
    /// silo gives up at half and its close, not the client's silence timer, tells the client to reconnect.
    /// </summary>
    public static TimeSpan ReadPatienceFor(int sessionTimeoutMs) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxReadPatience.TotalMilliseconds, Math.Max(0, sessionTimeoutMs) / 2.0));

    /// <summary>
    /// The call's result, or the error to answer. ConnectionLoss and OperationTimeout mean the grid gave no answer (a
    /// read after its patience, a write whose outcome is unknown): the connection closes instead of answering.
    /// </summary>
    /// <param name="call">The grain call.</param>
    /// <param name="readPatience">For a read (sent again when its silo is unreachable, which a write cannot be: its
    /// outcome is unknown): how long it may take in all, attempts included (<see cref="ReadPatienceFor"/>); null for a write.</param>
    public static Task<GridCallOutcome<T>> RunAsync<T>(Func<Task<T>> call, TimeSpan? readPatience = null) =>
        GridCalls.RunAsync(call, readPatience, Rules);
}
