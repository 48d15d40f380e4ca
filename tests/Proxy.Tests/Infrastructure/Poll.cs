namespace OrleansCoord.Proxy.Tests.Infrastructure;

/// <summary>Bounded waits: ask again until the answer is right or the time is up, never a bare sleep.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var started = DateTime.UtcNow;
        while (!await condition())
        {
            if (DateTime.UtcNow - started > timeout) throw new TimeoutException($"not within {timeout.TotalSeconds:0} s: {describe()}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
