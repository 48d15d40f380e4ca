using Orleans.Runtime;
using OrleansCoord.Errors;

namespace OrleansCoord.Silo.ZooKeeper;

/// <summary>
/// Runs one grain call for a wire request: retries what storage refused without applying (RetryableConflict), and
/// turns everything else into ZooKeeper's error codes, never an exception that could end the connection.
/// </summary>
internal static class ZkGridCalls
{
    private const int MaxConflictRetries = 50;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task<(T? Value, CoordErrorCode Error)> RunAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + Patience;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (await call(), CoordErrorCode.Ok);
            }
            catch (CoordException exception)
            {
                return (default, exception.Code);
            }
            catch (RetryableConflictException) when (attempt < MaxConflictRetries && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(500, 5 * (1 << Math.Min(attempt, 7))) + Random.Shared.Next(0, 5)));
            }
            catch (RetryableConflictException)
            {
                return (default, CoordErrorCode.SystemError);
            }
            catch (TimeoutException)
            {
                return (default, CoordErrorCode.OperationTimeout);
            }
            catch (Exception exception) when (exception is SiloUnavailableException or OrleansMessageRejectionException)
            {
                // The outcome of a write is unknown, as after ZooKeeper's ConnectionLoss.
                return (default, CoordErrorCode.ConnectionLoss);
            }
            catch (Exception)
            {
                return (default, CoordErrorCode.SystemError);
            }
        }
    }
}
