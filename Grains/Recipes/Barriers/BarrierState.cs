using System.Text.Json.Serialization;
using OrleansCoord.Acls;
using OrleansCoord.Grains.Recipes.Records;
using OrleansCoord.Recipes.Barriers;

namespace OrleansCoord.Grains.Recipes.Barriers;

/// <summary>One participant of a barrier round: its id and the session it belongs to.</summary>
internal sealed record BarrierMember(Guid Id, long SessionId);

/// <summary>
/// A barrier as stored. <see cref="Members"/> are the participants of round <see cref="Round"/> (for a double
/// barrier: entering, or inside when <see cref="Inside"/>); <see cref="Next"/> are those who entered a double
/// barrier while its round was inside, for the round after it. <see cref="Acl"/>: who may enter, see the status and change
/// the ACL (absent: open; docs/adr/018-recipe-acls.md); the record is never deleted.
/// </summary>
internal sealed record BarrierState(
    long Round,
    int Count,
    bool Inside,
    List<BarrierMember> Members,
    int NextCount,
    List<BarrierMember> Next,
    List<RecentRequest<BarrierTicket>> Recent,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AclEntry[]? Acl = null)
{
    public static BarrierState Empty => new(0, 0, false, [], 0, [], []);

    public bool Has(Guid id) => Members.Any(m => m.Id == id);

    public bool HasNext(Guid id) => Next.Any(m => m.Id == id);

    public BarrierState Remembering(Guid requestId, BarrierTicket outcome) =>
        this with { Recent = RecentRequests.With(Recent, requestId, outcome) };
}
