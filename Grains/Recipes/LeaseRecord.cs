using OrleansCoord.Acls;
using OrleansCoord.Recipes;

namespace OrleansCoord.Grains.Recipes;

/// <summary>A recipe as stored: its holders, the last token it granted, (semaphores) its number of leases, and its ACL
/// (null: open to everyone; docs/adr/018-recipe-acls.md). The record is never deleted, so neither is the ACL.</summary>
[GenerateSerializer, Immutable, Alias("coord.lease.record")]
internal sealed record LeaseRecord(
    [property: Id(0)] long LastToken,
    [property: Id(1)] int Limit,
    [property: Id(2)] LeaseHold[] Holds,
    [property: Id(3)] AclEntry[]? Acl = null)
{
    public static readonly LeaseRecord Empty = new(0, 0, []);

    public LeaseView ToView() => new(LastToken, Holds.Select(h => new LeaseHolder(h.SessionId, h.Holder, h.Mode, h.Token)).ToArray());
}

/// <summary>One hold: who, in which mode, with which token, and the grants (one per reentrant acquire) it stands for.</summary>
[GenerateSerializer, Immutable, Alias("coord.lease.hold")]
internal sealed record LeaseHold(
    [property: Id(0)] long SessionId,
    [property: Id(1)] string Holder,
    [property: Id(2)] LeaseMode Mode,
    [property: Id(3)] long Token,
    [property: Id(4)] Guid[] Grants)
{
    public bool IsHeldBy(long sessionId, string holder, LeaseMode mode) =>
        SessionId == sessionId && Holder == holder && Mode == mode;
}
