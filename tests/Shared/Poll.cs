namespace OrleansCoord.Tests.Shared;

/// <summary>Bounded waits for what the grid, a process or a proxy does in the background: ask again until the answer
/// is right or the time is up, never a bare sleep.</summary>
internal static class Poll
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Calls <paramref name="condition"/> until it returns true and returns how long that took; throws a
    /// <see cref="TimeoutException"/> with <paramref name="describe"/>'s text (asked at the end, so it can report the
    /// last state seen) when <paramref name="timeout"/> passes first.
    /// </summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe, TimeSpan? interval = null)
    {
        var started = DateTime.UtcNow;
        while (true)
        {
            if (await condition()) return DateTime.UtcNow - started;
            if (DateTime.UtcNow - started > timeout) throw new TimeoutException($"not within {timeout.TotalSeconds:0.#} s: {describe()}");
            await Task.Delay(interval ?? DefaultInterval, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>As above, described by a fixed text.</summary>
    public static Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null) =>
        UntilAsync(condition, timeout, () => what, interval);

    /// <summary>True as soon as <paramref name="condition"/> holds; false when <paramref name="timeout"/> passes first
    /// (for a caller that reports the miss itself).</summary>
    public static async Task<bool> HoldsWithinAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        try
        {
            await UntilAsync(condition, timeout, "", interval);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
