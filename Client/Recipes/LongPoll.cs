using OrleansCoord.Errors;

namespace OrleansCoord.Client.Recipes;

/// <summary>
/// The caller's wait, cut into grain calls that each wait a few seconds at most (well under the Orleans response
/// timeout): the grain answers "not yet" and the SDK calls again until the caller's own deadline.
/// </summary>
internal readonly struct LongPoll
{
    private readonly DateTime _deadline;

    private LongPoll(DateTime deadline) => _deadline = deadline;

    /// <summary>A wait of <paramref name="timeout"/> (zero: look once; infinite: until cancelled). Negative is BadArguments.</summary>
    public static LongPoll Start(string subject, TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw CoordException.BadArguments(subject, $"timeout must not be negative, got {timeout.TotalSeconds} s");
        return new LongPoll(timeout == Timeout.InfiniteTimeSpan ? DateTime.MaxValue : DateTime.UtcNow + timeout);
    }

    public bool Expired => DateTime.UtcNow >= _deadline;

    /// <summary>How long the next grain call may wait: what is left, at most <paramref name="maxWaitMs"/>.</summary>
    public int NextWaitMs(int maxWaitMs) => (int)Math.Clamp((_deadline - DateTime.UtcNow).TotalMilliseconds, 0, maxWaitMs);
}
