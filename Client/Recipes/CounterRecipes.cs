using OrleansCoord.Recipes;
using OrleansCoord.Recipes.Counters;

namespace OrleansCoord.Client.Recipes;

/// <summary>
/// Distributed 64-bit counters by name (Curator's DistributedAtomicLong): each operation is one grain call and is
/// durable when it returns. Reach them through <see cref="CoordClient.Counters"/>.
/// </summary>
/// <remarks>An add or compare-and-set that fails with ConnectionLoss may or may not have been applied, as any write
/// whose reply was lost; one refused by a storage conflict was not applied and is retried by the SDK.</remarks>
public sealed class CounterRecipes
{
    private const string Kind = "counter";
    private readonly CoordClient _client;

    internal CounterRecipes(CoordClient client) => _client = client;

    /// <summary>The counter's value; 0 for a counter never written.</summary>
    public Task<long> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        RecipeNameRules.Validate(Kind, name);
        return _client.RunRecipeCall(RecipeNameRules.Subject(Kind, name), idempotent: true, () => Grain(name).Get(), cancellationToken);
    }

    /// <summary>Adds <paramref name="delta"/> (may be negative) and returns the new value.</summary>
    public Task<long> AddAsync(string name, long delta, CancellationToken cancellationToken = default)
    {
        RecipeNameRules.Validate(Kind, name);
        var requestId = Guid.NewGuid();
        return _client.RunRecipeCall(RecipeNameRules.Subject(Kind, name), idempotent: false, () => Grain(name).Add(requestId, delta), cancellationToken);
    }

    /// <summary>Sets the value to <paramref name="newValue"/> only if it is <paramref name="expected"/>.</summary>
    public Task<CounterCasResult> CompareAndSetAsync(string name, long expected, long newValue, CancellationToken cancellationToken = default)
    {
        RecipeNameRules.Validate(Kind, name);
        var requestId = Guid.NewGuid();
        return _client.RunRecipeCall(RecipeNameRules.Subject(Kind, name), idempotent: false,
            () => Grain(name).CompareAndSet(requestId, expected, newValue), cancellationToken);
    }

    private ICounterGrain Grain(string name) => _client.RecipeGrainFactory.GetStringKeyGrain<ICounterGrain>(name);
}
