using OrleansCoord.Grains.Recipes;
using OrleansCoord.Recipes;
using OrleansCoord.Recipes.Queues;

namespace OrleansCoord.Grains.Operator;

/// <summary>
/// A recipe as the operator sees it. A lease kind (Lock, ReadWriteLock, Semaphore, Election) has its holders (oldest
/// grant first), its last token, a semaphore's limit and its waiters; a <c>Queue</c> has its <see cref="Depth"/>.
/// <see cref="Error"/> says why the details could not be read (the rest is then empty).
/// </summary>
[GenerateSerializer, Immutable, Alias("coord.operator.recipe")]
public sealed record RecipeSummary(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] long LastToken,
    [property: Id(3)] int Limit,
    [property: Id(4)] LeaseHolder[] Holders,
    [property: Id(5)] LeaseWaiting[] Waiters,
    [property: Id(6)] QueueLength? Depth,
    [property: Id(7)] string? Error = null)
{
    /// <summary>The kind name of queues (the others are <see cref="LeaseKind"/>'s names).</summary>
    public const string QueueKind = "Queue";
}

/// <summary>One page of recipes and how many there are in all.</summary>
[GenerateSerializer, Immutable, Alias("coord.operator.recipe-page")]
public sealed record RecipePage([property: Id(0)] RecipeSummary[] Recipes, [property: Id(1)] int Total);
