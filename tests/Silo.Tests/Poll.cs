using OrleansCoord.Errors;

namespace OrleansCoord.Silo.Tests;

/// <summary>Bounded waits: ask again and again until the answer is right or the time is up, never a bare sleep.</summary>
internal static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Calls <paramref name="condition"/> until it returns true and returns how long that took; throws a
    /// <see cref="TimeoutException"/> with <paramref name="describe"/>'s text when <paramref name="timeout"/> passes first.
    /// </summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var started = DateTime.UtcNow;
        while (true)
        {
            if (await condition()) return DateTime.UtcNow - started;
            if (DateTime.UtcNow - started > timeout)
            {
                throw new TimeoutException($"not within {timeout.TotalSeconds:0} s: {describe()}");
            }

            await Task.Delay(Interval, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>ConnectionLoss and OperationTimeout: the outcome is unknown and the grid may answer again soon.</summary>
    public static bool IsTransient(CoordException exception) =>
        exception.Code is CoordErrorCode.ConnectionLoss or CoordErrorCode.OperationTimeout;
}
