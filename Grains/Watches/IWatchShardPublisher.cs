using OrleansCoord.Grains.InternalCalls;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Watches;

/// <summary>The grid's side of a watch shard: znode grains hand it their changes. Not for clients (they could forge events).</summary>
[GridInternal]
[Alias("coord.watch.shard.publisher")]
public interface IWatchShardPublisher : IGrainWithIntegerKey
{
    /// <summary>Queues <paramref name="events"/> (all of this shard, in revision order per znode) for every subscriber
    /// and returns; the deliveries go on without the caller.</summary>
    [Alias("publish")] Task Publish(IReadOnlyList<WatchEvent> events);
}
