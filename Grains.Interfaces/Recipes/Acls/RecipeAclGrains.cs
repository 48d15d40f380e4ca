using OrleansCoord.Errors;
using OrleansCoord.Recipes.Barriers;
using OrleansCoord.Recipes.Counters;
using OrleansCoord.Recipes.Queues;

namespace OrleansCoord.Recipes.Acls;

/// <summary>Where the ACL of a recipe lives (its own grain), and the text names of the kinds (<c>lock</c>, <c>queue</c>, ...).</summary>
public static class RecipeAclGrains
{
    private static readonly (RecipeKind Kind, string Name)[] Names =
    [
        (RecipeKind.Lock, "lock"), (RecipeKind.ReadWriteLock, "rwlock"), (RecipeKind.Semaphore, "semaphore"),
        (RecipeKind.Election, "election"), (RecipeKind.Queue, "queue"), (RecipeKind.Counter, "counter"),
        (RecipeKind.Barrier, "barrier"), (RecipeKind.DoubleBarrier, "doublebarrier"),
    ];

    /// <summary>The kinds' text names, as the CLI takes them.</summary>
    public static IEnumerable<string> KindNames => Names.Select(n => n.Name);

    /// <summary>The grain of recipe <paramref name="name"/> of <paramref name="kind"/>, as its ACL's holder.</summary>
    /// <exception cref="CoordException">BadArguments for an unusable name or kind.</exception>
    public static IRecipeAclGrain Of(IGrainFactory grains, RecipeKind kind, string name) => kind switch
    {
        RecipeKind.Lock => grains.GetGrain<ILeaseGrain>(RecipeLimits.GrainKey(LeaseKind.Lock, name)),
        RecipeKind.ReadWriteLock => grains.GetGrain<ILeaseGrain>(RecipeLimits.GrainKey(LeaseKind.ReadWriteLock, name)),
        RecipeKind.Semaphore => grains.GetGrain<ILeaseGrain>(RecipeLimits.GrainKey(LeaseKind.Semaphore, name)),
        RecipeKind.Election => grains.GetGrain<ILeaseGrain>(RecipeLimits.GrainKey(LeaseKind.Election, name)),
        RecipeKind.Queue => Named<IQueueGrain>(grains, "queue", name),
        RecipeKind.Counter => Named<ICounterGrain>(grains, "counter", name),
        RecipeKind.Barrier => Named<IBarrierGrain>(grains, "barrier", name),
        RecipeKind.DoubleBarrier => Named<IDoubleBarrierGrain>(grains, "doublebarrier", name),
        _ => throw CoordException.BadArguments(name, $"unknown recipe kind {kind}"),
    };

    /// <summary>How errors name a recipe: <c>lock:orders</c>.</summary>
    public static string Subject(RecipeKind kind, string name) => $"{KindName(kind)}:{name}";

    /// <summary>The text name of <paramref name="kind"/> (<c>rwlock</c> for <see cref="RecipeKind.ReadWriteLock"/>).</summary>
    public static string KindName(RecipeKind kind) => Names.First(n => n.Kind == kind).Name;

    /// <summary>A kind from its text name or its enum name, in any case.</summary>
    /// <exception cref="CoordException">BadArguments for anything else.</exception>
    public static RecipeKind ParseKind(string? text)
    {
        foreach (var (kind, name) in Names)
        {
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase) || string.Equals(text, kind.ToString(), StringComparison.OrdinalIgnoreCase)) return kind;
        }

        throw CoordException.BadArguments(text, $"not a recipe kind; one of {string.Join(", ", KindNames)}");
    }

    private static T Named<T>(IGrainFactory grains, string kind, string name) where T : IGrainWithStringKey
    {
        RecipeNameRules.Validate(kind, name);
        return grains.GetGrain<T>(name);
    }
}
