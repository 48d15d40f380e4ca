using OrleansCoord.Errors;

namespace OrleansCoord.Silo.ZooKeeper;

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
    private static readonly TimeSpan ReadPatience = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The call's result, or the error to answer. ConnectionLoss and OperationTimeout mean the grid gave no answer (a
    /// read after its patience, a write whose outcome is unknown): the connection closes instead of answering.
    /// </summary>
    /// <param name="call">The grain call.</param>
    /// <param name="idempotent">A read: sent again when its silo is unreachable, which a write cannot be (its outcome is unknown).</param>
    public static async Task<(T? Value, CoordErrorCode Error)> RunAsync<T>(Func<Task<T>> call, bool idempotent = false)
    {
        var started = DateTime.UtcNow;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (await call(), CoordErrorCode.Ok);
            }
            catch (Exception exception)
            {
                // The SDK's RequestRunner decides by the same policy (Grains.Interfaces/Errors/RequestRetryPolicy.cs).
                var decision = RequestRetryPolicy.Decide(exception, idempotent, attempt, DateTime.UtcNow - started, Patience, ReadPatience);
                if (decision is { FailWith: null } retry)
                {
                    await Task.Delay(retry.Delay);
                    continue;
                }

                // A read that would have been asked again, had patience remained, got no answer from the grid: a
                // ZooKeeper server that cannot serve (no quorum) closes the connection, and its clients reconnect and
                // retry (kazoo's retry covers ConnectionLoss, not SystemError). ConnectionLoss closes it (ZkConnection).
                if (idempotent && IsUnanswered(exception)) return (default, CoordErrorCode.ConnectionLoss);
                return (default, decision?.FailWith ?? CoordErrorCode.SystemError);
            }
        }
    }

    /// <summary>An attempt that ended without the grid's answer: what the policy retries for a read with patience left.</summary>
    private static bool IsUnanswered(Exception exception) =>
        RequestRetryPolicy.Decide(exception, idempotent: true, attempt: 0, TimeSpan.Zero, Patience, ReadPatience) is { FailWith: null };
}
