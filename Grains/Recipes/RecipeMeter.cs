using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansCoord.Grains.Sessions;
using OrleansCoord.Recipes;

namespace OrleansCoord.Grains.Recipes;

/// <summary>
/// The SDK's native recipes (locks, read/write locks, semaphores, elections; meter <c>OrleansCoord.Grid.Recipes</c>,
/// exported by the silo's <c>/metrics</c>): holders as the grid's hold rows in the store (one per session and recipe it
/// holds something in, counted by <see cref="SessionCensus"/>: the grid's total, the same on every silo, from the same
/// count as the session gauges of the scrape), and waiters
/// as the queues of the recipe grains active on this silo (sum them over silos).
/// </summary>
/// <remarks>
/// Waiters are read from the live activations when scraped, not counted up and down: an activation that deactivates
/// or dies with its silo takes its waiters out of the figure with it (its clients poll again and queue at the next
/// activation, where they count). Recipes built from znodes by ZooKeeper clients (kazoo's or Curator's locks) are znodes
/// to the grid and are not counted here.
/// </remarks>
internal static class RecipeMeter
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OrleansCoord.Grid.Recipes";

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<LeaseGrain, byte> Active = new();
    private static SessionCensus? _census;

    static RecipeMeter()
    {
        Meter.CreateObservableGauge("coord_recipe_waiters", ObserveWaiters, description: "Waiters queued at the recipe grains active on this silo, by kind");
        Meter.CreateObservableGauge("coord_recipe_holds", ObserveHolds,
            description: "Sessions holding something in a recipe (one per session and recipe), by kind: the grid's total, counted from the store, at most 2 s old");
    }

    /// <summary>The holds gauge reads <paramref name="census"/>.</summary>
    public static void Observe(SessionCensus census) => _census = census;

    public static void Track(LeaseGrain grain) => Active.TryAdd(grain, 0);

    public static void Untrack(LeaseGrain grain) => Active.TryRemove(grain, out _);

    private static IEnumerable<Measurement<long>> ObserveWaiters()
    {
        var byKind = new Dictionary<LeaseKind, long>();
        foreach (var grain in Active.Keys)
        {
            if (grain.KindForMetrics is { } kind) byKind[kind] = byKind.GetValueOrDefault(kind) + grain.WaiterCount;
        }

        foreach (var kind in Enum.GetValues<LeaseKind>())
        {
            yield return new Measurement<long>(byKind.GetValueOrDefault(kind), new KeyValuePair<string, object?>("kind", kind.ToString()));
        }
    }

    private static IEnumerable<Measurement<long>> ObserveHolds()
    {
        // Nothing before the census's first count; the count the session gauges of this collection show after it.
        if (_census?.Scrape.Read(CensusGauge.RecipeHolds)?.Holds is not { } holds) yield break;
        foreach (var kind in Enum.GetValues<LeaseKind>())
        {
            yield return new Measurement<long>(holds.GetValueOrDefault(kind.ToString()), new KeyValuePair<string, object?>("kind", kind.ToString()));
        }
    }
}
