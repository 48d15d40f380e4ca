namespace OrleansCoord.Watches;

/// <summary>What <see cref="IWatchShardGrain.Subscribe"/> answers.</summary>
/// <param name="Epoch">The shard grain's activation: another one than before means the subscriber was forgotten in between.</param>
/// <param name="WasSubscribed">The observer was registered already (a renewal); false for a first registration, and for
/// one the shard had dropped (its deliveries failed): then events of the time between may be missing.</param>
[GenerateSerializer, Immutable]
[Alias("coord.watch.shard-registration")]
public sealed record ShardRegistration([property: Id(0)] Guid Epoch, [property: Id(1)] bool WasSubscribed);
