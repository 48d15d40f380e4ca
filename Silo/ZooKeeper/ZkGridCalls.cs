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
    /// the cluster has not said so yet: 6-10 s on a quiet machine, more under load, when 5 s gave kazoo a
    /// SystemError in CI); bounded, because the replies after it wait, pings too.</summary>
    private static readonly TimeSpan ReadPatience = TimeSpan.FromSeconds(15);

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
                if (decision is not { FailWith: null } retry) return (default, decision?.FailWith ?? CoordErrorCode.SystemError);
                await Task.Delay(retry.Delay);
            }
        }
    }
}
