using OrleansCoord.Grains.InternalCalls;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// The grid-internal side of a znode: answering its children's existence checks, taking part in
/// transactions (docs/adr/003-atomic-writes.md) and housekeeping. Not for clients.
/// </summary>
[GridInternal]
[Alias("coord.znode.participant")]
public interface IZNodeParticipantGrain : IGrainWithStringKey
{
    /// <summary>
    /// Whether <paramref name="name"/> is a committed child (or, inside <paramref name="txId"/>, a pending one);
    /// for a child created here and not asked about since, also its record, so it need not read storage.
    /// </summary>
    [Alias("has-child")] Task<ChildLookup> HasChild(string name, Guid txId);

    /// <summary>Joins transaction <paramref name="txId"/> (locking this znode until it ends) and applies one step.</summary>
    [Alias("tx-step")] Task<TxStepResult> TxStep(Guid txId, TxStep step);

    /// <summary>A single step and its prepare in one call (a parent deleting this child).</summary>
    [Alias("tx-step-prepare")] Task<RecordWrite[]> TxStepAndPrepare(Guid txId, TxStep step);

    /// <summary>The conditional writes that make this znode's part of the transaction durable.</summary>
    [Alias("tx-prepare")] Task<RecordWrite[]> TxPrepare(Guid txId);

    /// <summary>Ends this znode's part: adopts the pending state (with its record's new storage token) or drops it.</summary>
    [Alias("tx-resolve-own"), Orleans.Concurrency.OneWay] Task TxResolve(Guid txId, TxOutcome outcome, string? token);

    /// <summary>Deletes this TTL or container znode when its time has come (sweeper).</summary>
    [Alias("check-expiry")] Task CheckExpiry();

    /// <summary>Deletes child <paramref name="name"/> if it is an ephemeral of <paramref name="sessionId"/> (session expiry).</summary>
    [Alias("delete-ephemeral")] Task DeleteEphemeral(string name, long sessionId);
}

/// <summary>A parent's answer about one child: whether it exists and, on its first activation, its record.</summary>
[GenerateSerializer, Immutable]
public sealed record ChildLookup([property: Id(0)] bool Exists, [property: Id(1)] ZNodeRecord? Record = null, [property: Id(2)] string? Token = null)
{
    public static readonly ChildLookup Absent = new(false);

    public static readonly ChildLookup Present = new(true);
}
