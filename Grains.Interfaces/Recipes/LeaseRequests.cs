namespace OrleansCoord.Recipes;

/// <summary>What a holder asks for: the one exclusive hold, or one of the shared ones.</summary>
[GenerateSerializer]
public enum LeaseMode
{
    Exclusive = 0,
    Shared = 1,
}

/// <summary>One poll of an acquire (docs/adr/007-recipe-waits.md). The client sends the same
/// <see cref="WaiterId"/> until it is granted or it gives up (then it calls Cancel with it).</summary>
/// <param name="Holder">Who holds, within the session: a lock's holder name, a candidate id, a lease id.</param>
/// <param name="Limit">Semaphores only: the number of leases; every acquirer must name the same.</param>
/// <param name="WaitMs">How long this poll may wait for the grant, at most <see cref="RecipeLimits.MaxWaitMs"/>.</param>
[GenerateSerializer, Immutable]
public sealed record LeaseAcquire(
    [property: Id(0)] long SessionId,
    [property: Id(1)] string Holder,
    [property: Id(2)] Guid WaiterId,
    [property: Id(3)] LeaseMode Mode,
    [property: Id(4)] int Limit,
    [property: Id(5)] int WaitMs);

/// <summary>The answer to one poll: granted with its token (fencing token, or term), or not yet.</summary>
[GenerateSerializer, Immutable]
public sealed record LeaseGrant([property: Id(0)] bool Granted, [property: Id(1)] long Token)
{
    public static readonly LeaseGrant NotYet = new(false, 0);
}

/// <summary>One current holder of a lease.</summary>
[GenerateSerializer, Immutable]
public sealed record LeaseHolder(
    [property: Id(0)] long SessionId,
    [property: Id(1)] string Holder,
    [property: Id(2)] LeaseMode Mode,
    [property: Id(3)] long Token);

/// <summary>A lease as observers see it: its holders (oldest grant first), the last token it granted, and how many
/// waiters queue in the activation that answered.</summary>
[GenerateSerializer, Immutable]
public sealed record LeaseView([property: Id(0)] long LastToken, [property: Id(1)] LeaseHolder[] Holders, [property: Id(2)] int Waiters = 0);
