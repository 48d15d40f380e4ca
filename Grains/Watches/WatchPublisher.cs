using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using OrleansCoord.Acls;
using OrleansCoord.Grains.ZNodes;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Watches;

/// <summary>
/// Publishes znode changes to their watch shards (docs/adr/014-watch-delivery.md): to the shard grain, which pushes
/// them on to its subscribers, one call in flight per shard from this silo and the events handed in meanwhile together
/// in the next (<see cref="ShardOutbox"/>); with Azure queue watch streams, onto the shard's queue stream instead. A silo
/// without <c>AddCoordWatchStreams</c> publishes nothing. Publishing finishes before the write is acknowledged, so a
/// client that saw the acknowledgement can count on the event being on its way.
/// </summary>
internal sealed class WatchPublisher(IServiceProvider services, IGrainFactory grains)
{
    private readonly bool _enabled = services.GetService<WatchDeliveryMarker>() is not null;
    private readonly IStreamProvider? _queues = services.GetKeyedService<IStreamProvider>(WatchStreams.ProviderName);
    private readonly ShardOutbox[] _outboxes = new ShardOutbox[WatchStreams.Shards];

    public Task PublishAsync(IEnumerable<WatchEvent> events) => _enabled ? PublishCoreAsync(events) : Task.CompletedTask;

    private async Task PublishCoreAsync(IEnumerable<WatchEvent> events)
    {
        // The request context travels with the call (and Azure queue streams deliver it with the event): the writer's
        // credential must not reach every watcher. Cleared in this async method only, the caller keeps it.
        Caller.Use(null);
        // One call per shard: a batch of 95 creates under one parent costs one call, not 95.
        var sends = events.GroupBy(e => WatchStreams.ShardOf(e.Path))
            .Select(shard => Send(shard.Key, shard.ToList()))
            .ToList();
        if (sends.Count == 1) await sends[0];
        else if (sends.Count > 1) await Task.WhenAll(sends);
    }

    private Task Send(int shard, List<WatchEvent> events) => _queues is null
        ? Outbox(shard).EnqueueAsync(events)
        : _queues.GetStream<WatchEvent>(StreamId.Create(WatchStreams.Namespace, shard)).OnNextBatchAsync(events);

    private ShardOutbox Outbox(int shard)
    {
        var outbox = Volatile.Read(ref _outboxes[shard]);
        if (outbox is not null) return outbox;
        // One reference per shard, made once: GetGrain<T> resolves the interface's grain type by reflection on every
        // call, which was ~2% of the silo's CPU under sets (perf, session 16).
        var publisher = grains.GetGrain<IWatchShardPublisher>(shard);
        Interlocked.CompareExchange(ref _outboxes[shard], new ShardOutbox(shard, (_, events) => publisher.Publish(events)), null);
        return _outboxes[shard];
    }

    /// <summary>The events for a znode that went from <paramref name="before"/> to <paramref name="after"/> (null: absent).</summary>
    public static IEnumerable<WatchEvent> Changes(string path, ZNodeRecord? before, ZNodeRecord? after)
    {
        if (before is null && after is null) yield break;
        if (before is null)
        {
            yield return new WatchEvent(WatchEventType.NodeCreated, path, after!.Czxid);
            yield break;
        }

        if (after is null)
        {
            yield return new WatchEvent(WatchEventType.NodeDeleted, path, before.Revision);
            yield break;
        }

        if (after.Mzxid != before.Mzxid) yield return new WatchEvent(WatchEventType.NodeDataChanged, path, after.Mzxid);
        if (after.Cversion != before.Cversion) yield return new WatchEvent(WatchEventType.NodeChildrenChanged, path, after.Pzxid);
    }
}
