using OrleansCoord.Errors;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// Runs one grain call for a wire request: retries what storage refused without applying (RetryableConflict), and
/// turns everything else into ZooKeeper's error codes, never an exception that could end the connection.
/// </summary>
internal static class ZkGridCalls
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>How long a read is retried while the silo of its grain is unreachable (it may be dying, and
    /// the cluster has not said so yet: 6-10 s on a quiet machine, more under load); bounded, because the replies
    /// after it wait, pings too. Past it the connection closes and the client retries, reconnected.</summary>
    private static readonly TimeSpan MaxReadPatience = TimeSpan.FromSeconds(15);

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
    public static async Task<(T? Value, CoordErrorCode Error)> RunAsync<T>(Func<Task<T>> call, TimeSpan? readPatience = null)
    {
        var idempotent = readPatience is not null;
        var patience = readPatience ?? TimeSpan.Zero;
        var started = DateTime.UtcNow;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // A read's attempt is bounded too: one that hangs (storage that answers nothing, a silo that froze)
                // must not outlast the patience; its late answer is dropped (a read changes nothing).
                var result = idempotent ? await call().WaitAsync(Remaining(started, patience)) : await call();
                return (result, CoordErrorCode.Ok);
            }
            catch (Exception exception)
            {
                // The SDK's RequestRunner decides by the same policy (Grains.Interfaces/Errors/RequestRetryPolicy.cs).
                var decision = RequestRetryPolicy.Decide(exception, idempotent, attempt, DateTime.UtcNow - started, Patience, patience);
                if (decision is { FailWith: null } retry)
                {
                    await Task.Delay(retry.Delay);
                    continue;
                }

                // A read that would have been asked again, had patience remained, got no answer from the grid: a
                // ZooKeeper server that cannot serve (no quorum) closes the connection, and its clients reconnect and
                // retry (kazoo's retry covers ConnectionLoss, not SystemError). ConnectionLoss closes it (ZkConnection).
                if (idempotent && IsUnanswered(exception)) return (default, CoordErrorCode.ConnectionLoss);
                if (decision is null) ZkUnknownFailures.Report(exception);
                return (default, decision?.FailWith ?? CoordErrorCode.SystemError);
            }
        }
    }

    /// <summary>An attempt that ended without the grid's answer: what the policy retries for a read with patience left.</summary>
    private static bool IsUnanswered(Exception exception) =>
        RequestRetryPolicy.Decide(exception, idempotent: true, attempt: 0, TimeSpan.Zero, Patience, MaxReadPatience) is { FailWith: null };

    private static TimeSpan Remaining(DateTime started, TimeSpan patience)
    {
        var left = patience - (DateTime.UtcNow - started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
