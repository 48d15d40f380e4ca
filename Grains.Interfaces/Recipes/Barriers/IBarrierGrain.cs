using OrleansCoord.Recipes.Acls;

namespace OrleansCoord.Recipes.Barriers;

/// <summary>
/// A barrier, keyed by its name: participants enter one after another and are all released together when
/// <c>count</c> have entered; then the next round begins. A participant belongs to a session: when the session
/// ends, its place is given up. Entries and the release are durable before they are acknowledged.
/// </summary>
[Alias("coord.recipes.barrier")]
public interface IBarrierGrain : IGrainWithStringKey, IRecipeAclGrain
{
    /// <summary>Enters the current round as <paramref name="participantId"/> (new for each entry). The round's count is set by
    /// its first entrant; a different count is BadArguments. Entering again with the same id changes nothing.</summary>
    [Alias("enter")] Task<BarrierTicket> Enter(Guid participantId, long sessionId, int count);

    /// <summary>Waits up to <paramref name="waitMs"/> (at most <see cref="BarrierLimits.MaxWaitMs"/>) for the ticket's round to be
    /// released; true when it has been. NoNode when the participant is no longer waiting (it left, or its session ended).</summary>
    [Alias("await")] Task<bool> Await(Guid participantId, long round, int waitMs);

    /// <summary>Gives up the place in an unreleased round. True when the round was released first (too late to leave).</summary>
    [Alias("leave")] Task<bool> Leave(Guid participantId, long round);

    /// <summary>The current round, its count (0 when nobody waits) and how many have entered it.</summary>
    [Alias("status")] Task<BarrierStatus> Status();
}

/// <summary>
/// A double barrier (Curator's DistributedDoubleBarrier), keyed by its name: participants enter and are let in
/// together when <c>count</c> have entered; each then leaves, and all are let out together when the last has left.
/// Who enters while a round is inside waits for the next round. Participants of ended sessions are taken out.
/// </summary>
[Alias("coord.recipes.doublebarrier")]
public interface IDoubleBarrierGrain : IGrainWithStringKey, IRecipeAclGrain
{
    /// <summary>Enters as <paramref name="participantId"/>; the ticket's round is the one it will be let in with.</summary>
    [Alias("enter")] Task<BarrierTicket> Enter(Guid participantId, long sessionId, int count);

    /// <summary>True once the ticket's round has let everyone in (waits up to <paramref name="waitMs"/>).</summary>
    [Alias("await-in")] Task<bool> AwaitEntered(Guid participantId, long round, int waitMs);

    /// <summary>Leaves the round (or gives up entering it). True when this made the round complete: everyone has left.</summary>
    [Alias("leave")] Task<bool> Leave(Guid participantId, long round);

    /// <summary>True once everyone of the ticket's round has left (waits up to <paramref name="waitMs"/>).</summary>
    [Alias("await-out")] Task<bool> AwaitLeft(Guid participantId, long round, int waitMs);

    [Alias("status")] Task<BarrierStatus> Status();
}

/// <summary>A participant's round, and whether the step it asked for (being released, being let in) has happened already.</summary>
[GenerateSerializer, Immutable]
public sealed record BarrierTicket([property: Id(0)] long Round, [property: Id(1)] bool Passed);

/// <summary>A barrier's current round: its count, how many are in it, and (double barrier) whether they are inside.</summary>
[GenerateSerializer, Immutable]
public sealed record BarrierStatus([property: Id(0)] long Round, [property: Id(1)] int Count, [property: Id(2)] int Members, [property: Id(3)] bool Inside);

public static class BarrierLimits
{
    /// <summary>Longest one wait call waits in the grain; the SDK calls again until the caller's timeout.</summary>
    public const int MaxWaitMs = 3_000;

    public const int MaxCount = 10_000;
}
