namespace OrleansCoord.Robustness.Tests.Cluster;

/// <summary>Bounded waits: ask again until the answer is right or the time is up.</summary>
public static class Poll
{
    /// <summary>True as soon as <paramref name="condition"/> holds; false when <paramref name="timeout"/> passes first.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return true;
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(200));
        }
    }
}
