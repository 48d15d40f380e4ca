using System.Collections.Concurrent;

namespace OrleansCoord.Robustness.Tests.Recipes;

/// <summary>What the lock and queue steps of a run recorded, on the clock of the run's register history.</summary>
public sealed class RecipeLog(Func<long> now)
{
    public long Now => now();

    public ConcurrentQueue<LockHold> Holds { get; } = new();

    public ConcurrentQueue<QueuePut> Puts { get; } = new();

    public ConcurrentQueue<QueueTake> Takes { get; } = new();

    public ConcurrentQueue<QueueSettle> Settles { get; } = new();

    /// <summary>Outcomes that are no violation but worth a line in the report (timeouts, unknown outcomes).</summary>
    public ConcurrentDictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

    public void Count(string what) => Counts.AddOrUpdate(what, 1, (_, n) => n + 1);

}
