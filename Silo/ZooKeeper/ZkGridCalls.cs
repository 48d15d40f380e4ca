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

    /// <summary>How long a read is retried while the silo of its grain is unreachable (it may be dying, and
    /// the cluster has not said so yet); short, because the replies after it wait, pings too.</summary>
    private static readonly TimeSpan ReadPatience = TimeSpan.FromSeconds(5);

    /// <param name="call">The grain call.</param>
    /// <param name="idempotent">A read: sent again when its silo is unreachable, which a write cannot be (its outcome is unknown).</param>
    public static async Task<(T? Value, CoordErrorCode Error)> RunAsync<T>(Func<Task<T>> call, bool idempotent = false)
    {
        var deadline = DateTime.UtcNow + Patience;
        var readDeadline = DateTime.UtcNow + ReadPatience;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (await call(), CoordErrorCode.Ok);
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.SystemError && idempotent && DateTime.UtcNow < readDeadline)
            {
                // Storage briefly unavailable (a grain reloading after its silo died, Azurite busy): a read may ask again.
                await Task.Delay(ReadBackoff(attempt));
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
            catch (Exception exception) when (exception is TimeoutException or OperationCanceledException && !(idempotent && DateTime.UtcNow < readDeadline))
            {
                // Orleans gave up on the message (its response timeout, or cancelled under overload): outcome unknown.
                return (default, CoordErrorCode.OperationTimeout);
            }
            catch (Exception exception) when (IsTransport(exception) && idempotent && DateTime.UtcNow < readDeadline)
            {
                await Task.Delay(ReadBackoff(attempt));
            }
            catch (Exception exception) when (IsTransport(exception))
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

    /// <summary>How long a read waits before asking again: 20 ms doubling up to 500 ms.</summary>
    private static TimeSpan ReadBackoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(500, 20 * (1 << Math.Min(attempt, 5))));

    /// <summary>The grain's silo could not be reached (as the SDK's RequestRunner judges it): the call may or may not have run.</summary>
    private static bool IsTransport(Exception exception) =>
        exception is OrleansException or System.Net.Sockets.SocketException or IOException or TimeoutException or OperationCanceledException;
}
