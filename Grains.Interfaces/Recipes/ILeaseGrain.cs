using OrleansCoord.Recipes.Acls;

namespace OrleansCoord.Recipes;

/// <summary>
/// One lock, read/write lock, semaphore or election (key: <see cref="RecipeLimits.GrainKey"/>). Holds are bound
/// to sessions: when a session ends, what it held is released. Waits are bounded long-polls
/// (docs/adr/007-recipe-waits.md).
/// </summary>
[Alias("coord.lease")]
public interface ILeaseGrain : IGrainWithStringKey, IRecipeAclGrain
{
    /// <summary>Grants the hold at once (a reentrant acquire, or the queue is empty and the hold fits), or queues
    /// the waiter and waits at most <see cref="LeaseAcquire.WaitMs"/> for its turn. Polling again with the same
    /// waiter id keeps its place, and answers Granted once it has been granted.</summary>
    [Alias("acquire")] Task<LeaseGrant> Acquire(LeaseAcquire request);

    /// <summary>Ends the grant made to <paramref name="grantId"/> (the waiter id of that acquire). Fails with
    /// BadArguments when the holder holds no such grant (never granted, already released, or released with its
    /// session).</summary>
    [Alias("release")] Task Release(long sessionId, string holder, Guid grantId);

    /// <summary>The waiter gives up: removes its place, or releases its grant if the grant came first.</summary>
    [Alias("cancel")] Task Cancel(long sessionId, Guid waiterId);

    /// <summary>The current holders and last token; waits at most <paramref name="waitMs"/> for them to differ
    /// from <paramref name="knownToken"/> and <paramref name="knownHolders"/> (the count of holders).</summary>
    [Alias("observe")] Task<LeaseView> Observe(long knownToken, int knownHolders, int waitMs);
}
