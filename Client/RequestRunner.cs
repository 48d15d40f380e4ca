using Orleans.Runtime;
using OrleansCoord.Errors;

namespace OrleansCoord.Client;

/// <summary>
/// Runs one grid request: retries what is known not to have been applied (storage conflicts), and turns
/// transport failures into ZooKeeper's ConnectionLoss / OperationTimeout, whose outcome is unknown.
/// </summary>
internal sealed class RequestRunner(TimeSpan requestTimeout)
{
    private const int MaxConflictRetries = 50;

    /// <summary>How long one request may take (the Orleans response timeout of the client).</summary>
    public TimeSpan RequestTimeout => requestTimeout;

    public async Task<T> RunAsync<T>(string? path, bool idempotent, Func<Task<T>> request, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + requestTimeout;
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await request();
            }
            catch (CoordException)
            {
                throw;
            }
            catch (RetryableConflictException) when (attempt < MaxConflictRetries && DateTime.UtcNow < deadline)
            {
                await Task.Delay(Backoff(attempt), cancellationToken);
            }
            catch (RetryableConflictException exception)
            {
                throw new CoordException(CoordErrorCode.SystemError, path, exception.Message);
            }
            catch (TimeoutException exception)
            {
                throw new CoordException(CoordErrorCode.OperationTimeout, path, exception.Message);
            }
            catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Not the caller's cancellation: Orleans gave up on the message (it expired before placement or
                // delivery, as under overload). Like a timeout, the outcome is unknown.
                throw new CoordException(CoordErrorCode.OperationTimeout, path, exception.Message);
            }
            catch (Exception exception) when (IsTransport(exception))
            {
                // A read can always be sent again; a write's outcome is unknown, as after ZooKeeper's ConnectionLoss.
                if (!idempotent || DateTime.UtcNow >= deadline)
                {
                    throw new CoordException(CoordErrorCode.ConnectionLoss, path, exception.Message);
                }

                await Task.Delay(Backoff(attempt), cancellationToken);
            }
        }
    }

    private static bool IsTransport(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException
            or GatewayTooBusyException or ClientNotAvailableException or OrleansException
            or System.Net.Sockets.SocketException or IOException;

    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(500, 5 * (1 << Math.Min(attempt, 7))) + Random.Shared.Next(0, 5));
}
