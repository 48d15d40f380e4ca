using OrleansCoord.Errors;

namespace OrleansCoord.Client;

/// <summary>
/// Runs one grid request: retries what is known not to have been applied (storage conflicts) and reads whose attempt
/// ended without an answer, and turns the rest into ZooKeeper's ConnectionLoss / OperationTimeout, whose outcome is
/// unknown (RequestRetryPolicy, shared with the ZooKeeper front end).
/// </summary>
internal sealed class RequestRunner(TimeSpan requestTimeout)
{
    /// <summary>How long one request may take (the Orleans response timeout of the client).</summary>
    public TimeSpan RequestTimeout => requestTimeout;

    public async Task<T> RunAsync<T>(string? path, bool idempotent, Func<Task<T>> request, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await request();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception)
            {
                // The ZooKeeper front end decides by the same policy (Grains.Interfaces/Errors/RequestRetryPolicy.cs);
                // reads are retried within the request timeout, writes only when refused without being applied.
                var decision = RequestRetryPolicy.Decide(exception, idempotent, attempt, DateTime.UtcNow - started, requestTimeout, requestTimeout);
                if (decision is null || exception is CoordException && decision.Value.FailWith is not null) throw;
                if (decision.Value.FailWith is { } code) throw new CoordException(code, path, exception.Message);
                await Task.Delay(decision.Value.Delay, cancellationToken);
            }
        }
    }
}
