using OrleansCoord.Grains.InternalCalls;

namespace OrleansCoord.Grains.Operator;

/// <summary>
/// The operator's view of the grid's coordination data: every live session with its ephemerals and recipe holds, and
/// every recipe with its holders, waiters or depth, read past ACLs and session credentials. Like ZooKeeper's
/// <c>dump</c> and AdminServer it is an operator's tool, so it is grid-internal: a gateway client is refused, and only
/// code on a silo (the explorer behind the HTTP port's admin guard, docs/adr/016 and 019) reaches it.
/// </summary>
/// <remarks>A page lists at most <see cref="MaxPage"/> entries. Listing reads the store's index keys (session fences,
/// recipe records, queue heads) in full, then the details of the page's entries only.</remarks>
[GridInternal]
[Alias("coord.operator")]
public interface IGridOperatorGrain : IGrainWithIntegerKey
{
    /// <summary>The most entries one page lists; a larger limit is cut to it.</summary>
    public const int MaxPage = 100;

    /// <summary>The live sessions (an open fence) in id order, from <paramref name="offset"/>, at most <paramref name="limit"/>.</summary>
    [Alias("sessions")] Task<SessionPage> ListSessions(int offset, int limit);

    /// <summary>One live session, or null when it has ended (or never was).</summary>
    [Alias("session")] Task<SessionSummary?> GetSession(long sessionId);

    /// <summary>The recipes whose record exists (locks, read/write locks, semaphores, elections, then queues), by
    /// kind and name, from <paramref name="offset"/>, at most <paramref name="limit"/>.</summary>
    [Alias("recipes")] Task<RecipePage> ListRecipes(int offset, int limit);

    /// <summary>One recipe (<paramref name="kind"/>: a lease kind or <c>Queue</c>), or null when it has no record.</summary>
    [Alias("recipe")] Task<RecipeSummary?> GetRecipe(string kind, string name);
}
