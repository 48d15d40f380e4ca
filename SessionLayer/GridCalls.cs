using OrleansCoord.Acls;
using OrleansCoord.Errors;

namespace OrleansCoord.SessionLayer;

/// <summary>
/// Runs one grid call for either front door: sends it again when <see cref="RequestRetryPolicy"/> says so (a read whose
/// attempt got no answer, a write refused without being applied) and ends with its value or the error code the policy
/// names, never an exception, apart from the caller's own cancellation.
/// </summary>
public static class GridCalls
{
    /// <summary>Runs <paramref name="call"/>; a read when <paramref name="readPatience"/> is set (how long it may take
    /// in all, attempts included), a write when null (never sent again once its outcome is unknown).</summary>
    public static Task<GridCallOutcome<T>> RunAsync<T>(Func<Task<T>> call, TimeSpan? readPatience, GridCallRules rules,
        CancellationToken cancellationToken = default) =>
        RunAsync<DelegateCall<T>, T>(new DelegateCall<T>(call), readPatience, rules, cancellationToken);

    /// <inheritdoc cref="RunAsync{T}(Func{Task{T}}, TimeSpan?, GridCallRules, CancellationToken)"/>
    public static async Task<GridCallOutcome<T>> RunAsync<TCall, T>(TCall call, TimeSpan? readPatience, GridCallRules rules,
        CancellationToken cancellationToken = default)
        where TCall : IGridCall<T>
    {
        var idempotent = readPatience is not null;
        var patience = readPatience ?? TimeSpan.Zero;
        var started = DateTime.UtcNow;
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                // Set inside this async flow, so it goes no further than this call.
                if (rules.Credential is { } credential) Caller.Use(credential());
                var result = idempotent && rules.BoundReadAttempts ? await call.Send().WaitAsync(Remaining(started, patience)) : await call.Send();
                call.Answered(result);
                return new GridCallOutcome<T>(result, CoordErrorCode.Ok);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception)
            {
                var decision = RequestRetryPolicy.Decide(exception, idempotent, attempt, DateTime.UtcNow - started, rules.WritePatience, patience);
                if (decision is { FailWith: null } retry)
                {
                    await Task.Delay(retry.Delay, cancellationToken);
                    continue;
                }

                // A read that would have been asked again, had patience remained, got no answer from the grid: a
                // ZooKeeper server that cannot serve (no quorum) closes the connection, and its clients reconnect and
                // retry (kazoo's retry covers ConnectionLoss, not SystemError).
                if (idempotent && rules.UnansweredReadsLoseConnection && IsUnanswered(exception, rules))
                {
                    return new GridCallOutcome<T>(default, CoordErrorCode.ConnectionLoss, exception);
                }

                if (decision is { FailWith: { } code }) return new GridCallOutcome<T>(default, code, exception);
                rules.ReportUnknownFailure?.Invoke(exception);
                return new GridCallOutcome<T>(default, CoordErrorCode.SystemError, exception, IsUnknownFailure: true);
            }
        }
    }

    /// <summary>An attempt that ended without the grid's answer: what the policy retries for a read with patience left.</summary>
    private static bool IsUnanswered(Exception exception, GridCallRules rules) =>
        RequestRetryPolicy.Decide(exception, idempotent: true, attempt: 0, TimeSpan.Zero, rules.WritePatience, TimeSpan.MaxValue) is { FailWith: null };

    private static TimeSpan Remaining(DateTime started, TimeSpan patience)
    {
        var left = patience - (DateTime.UtcNow - started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
