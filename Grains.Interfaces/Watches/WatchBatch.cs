namespace OrleansCoord.Watches;

/// <summary>
/// Watch events of one shard for one subscriber, in the order the shard took them (docs/adr/014-watch-delivery.md).
/// </summary>
/// <param name="Shard">The shard (<see cref="WatchStreams.ShardOf"/>) the events belong to.</param>
/// <param name="Epoch">The shard grain activation that sent them: a subscriber that registered with another epoch was
/// not registered in between, so events of that time may be missing.</param>
/// <param name="Events">The events; empty when only <paramref name="Lost"/> is news.</param>
/// <param name="Lost">Events were dropped for this subscriber before these (it did not keep up): resync by revision.</param>
[GenerateSerializer, Immutable]
[Alias("coord.watch.batch")]
public sealed record WatchBatch(
    [property: Id(0)] int Shard,
    [property: Id(1)] Guid Epoch,
    [property: Id(2)] IReadOnlyList<WatchEvent> Events,
    [property: Id(3)] bool Lost = false);
