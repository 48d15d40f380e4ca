namespace OrleansCoord.Errors;

/// <summary>
/// What a grid request does after an attempt failed: try again after a delay, or fail with a ZooKeeper error code.
/// One policy, applied by one retry loop (SessionLayer/GridCalls.cs) for the SDK and the ZooKeeper front end, so
/// that a read or a write fails or is retried alike whichever way a client came in.
/// </summary>
/// <remarks>
/// A write is never sent again after an attempt whose outcome is unknown (timeout, lost message): it may have been
/// applied. A read may always be sent again, within <c>readPatience</c>. A write refused without being applied
/// (<see cref="RetryableConflictException"/>) is sent again within <c>writePatience</c>.
/// </remarks>
public static class RequestRetryPolicy
{
    /// <summary>How many times a write refused by a conflict is sent again at most.</summary>
    public const int MaxConflictRetries = 50;

    /// <summary>What to do after <paramref name="exception"/>; null when it is not a failure of the grid (a bug to surface).</summary>
    /// <param name="exception">What the attempt threw. The caller's own cancellation must be handled before.</param>
    /// <param name="idempotent">A read: it can be sent again when its outcome is unknown.</param>
    /// <param name="attempt">0 for the first attempt.</param>
    /// <param name="elapsed">Time since the first attempt started.</param>
    /// <param name="writePatience">How long conflicts are retried.</param>
    /// <param name="readPatience">How long a read is retried after a transient failure.</param>
    public static RetryDecision? Decide(Exception exception, bool idempotent, int attempt, TimeSpan elapsed, TimeSpan writePatience, TimeSpan readPatience)
    {
        var readMayRetry = idempotent && elapsed < readPatience;
        return exception switch
        {
            // Storage briefly unavailable (a grain reloading after its silo died, Azurite busy): a read may ask again.
            CoordException { Code: CoordErrorCode.SystemError } when readMayRetry => RetryDecision.After(ReadBackoff(attempt)),
            CoordException coord => RetryDecision.Fail(coord.Code),
            RetryableConflictException when attempt < MaxConflictRetries && elapsed < writePatience => RetryDecision.After(ConflictBackoff(attempt)),
            RetryableConflictException => RetryDecision.Fail(CoordErrorCode.SystemError),
            // Orleans gave up on the message (its response timeout, or expired/cancelled under overload): outcome unknown.
            TimeoutException or OperationCanceledException when readMayRetry => RetryDecision.After(ReadBackoff(attempt)),
            TimeoutException or OperationCanceledException => RetryDecision.Fail(CoordErrorCode.OperationTimeout),
            // The grain's silo or the gateway could not be reached: as after ZooKeeper's ConnectionLoss.
            _ when IsTransport(exception) && readMayRetry => RetryDecision.After(ReadBackoff(attempt)),
            _ when IsTransport(exception) => RetryDecision.Fail(CoordErrorCode.ConnectionLoss),
            _ => null,
        };
    }

    /// <summary>The silo, the gateway or the connection failed (SiloUnavailable, GatewayTooBusy, ClientNotAvailable, message rejections are all OrleansExceptions).</summary>
    public static bool IsTransport(Exception exception) =>
        exception is OrleansException or System.Net.Sockets.SocketException or IOException;

    /// <summary>20 ms doubling up to 500 ms: a read waits for the grain's silo to come back or be declared dead.</summary>
    private static TimeSpan ReadBackoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(500, 20 * (1 << Math.Min(attempt, 5))));

    /// <summary>5 ms doubling up to 500 ms, with jitter so that writers who collided do not collide again.</summary>
    private static TimeSpan ConflictBackoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(500, 5 * (1 << Math.Min(attempt, 7))) + Random.Shared.Next(0, 5));
}

/// <summary>Retry after <see cref="Delay"/> when <see cref="FailWith"/> is null, otherwise fail with that code.</summary>
public readonly record struct RetryDecision(CoordErrorCode? FailWith, TimeSpan Delay)
{
    public static RetryDecision After(TimeSpan delay) => new(null, delay);

    public static RetryDecision Fail(CoordErrorCode code) => new(code, TimeSpan.Zero);
}
