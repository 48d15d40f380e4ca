using OrleansCoord.Recipes;

namespace OrleansCoord.Grains.Recipes;

/// <summary>A lease as the operator sees it: its holders and last token (<see cref="View"/>), the semaphore's limit
/// (0 for other kinds or before the first acquire) and the waiters in queue order.</summary>
[GenerateSerializer, Immutable, Alias("coord.lease.inspection")]
public sealed record LeaseInspection([property: Id(0)] LeaseView View, [property: Id(1)] int Limit, [property: Id(2)] LeaseWaiting[] Waiters);

/// <summary>One queued acquire: whose session, which holder, which mode.</summary>
[GenerateSerializer, Immutable, Alias("coord.lease.waiting")]
public sealed record LeaseWaiting([property: Id(0)] long SessionId, [property: Id(1)] string Holder, [property: Id(2)] LeaseMode Mode);
