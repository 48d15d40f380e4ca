using System.Diagnostics;

namespace OrleansCoord.Grains.Tests.Support;

/// <summary>Bounded polling for things the grid does in the background (expiry, sweeps, recovery).</summary>
public static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds; fails after <paramref name="within"/>. Returns the time it took.</summary>
    public static async Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < within)
        {
            if (await condition()) return watch.Elapsed;
            await Task.Delay(100);
        }

        Assert.Fail($"{what} did not happen within {within.TotalSeconds:0.#} s");
        return watch.Elapsed;
    }
}
