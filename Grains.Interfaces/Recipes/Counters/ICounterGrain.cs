using OrleansCoord.Recipes.Acls;

namespace OrleansCoord.Recipes.Counters;

/// <summary>
/// A distributed 64-bit counter, keyed by its name (Curator's DistributedAtomicLong in one call). A counter that
/// was never written reads 0. Every change is durable before it is acknowledged.
/// </summary>
/// <remarks><paramref name="requestId"/> identifies one client request, so that a write whose storage outcome was
/// ambiguous is recognised as applied rather than applied twice.</remarks>
[Alias("coord.recipes.counter")]
public interface ICounterGrain : IGrainWithStringKey, IRecipeAclGrain
{
    /// <summary>The current value.</summary>
    [Alias("get")] Task<long> Get();

    /// <summary>Adds <paramref name="delta"/> (which may be negative) and returns the new value. Overflow is BadArguments.</summary>
    [Alias("add")] Task<long> Add(Guid requestId, long delta);

    /// <summary>Sets the value to <paramref name="newValue"/> only if it is <paramref name="expected"/>.</summary>
    [Alias("cas")] Task<CounterCasResult> CompareAndSet(Guid requestId, long expected, long newValue);
}

/// <summary>The outcome of a compare-and-set: whether it swapped, and the value after it (the current value when it did not).</summary>
[GenerateSerializer, Immutable]
public sealed record CounterCasResult([property: Id(0)] bool Succeeded, [property: Id(1)] long Value);
