using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using OrleansCoord.Acls;
using OrleansCoord.Grains.ZNodes;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Watches;

/// <summary>
/// Publishes znode changes on their watch streams (a fixed set of shard streams, docs/adr/006-watch-streams.md). A silo
/// without the stream provider publishes nothing. Publishing finishes before the write is acknowledged, so a
/// client that saw the acknowledgement can count on the event being on its way.
/// </summary>
internal sealed class WatchPublisher(IServiceProvider services)
{
    private readonly IStreamProvider? _provider = services.GetKeyedService<IStreamProvider>(WatchStreams.ProviderName);

    public Task PublishAsync(IEnumerable<WatchEvent> events) => _provider is null ? Task.CompletedTask : PublishAsync(_provider, events);

    private static async Task PublishAsync(IStreamProvider provider, IEnumerable<WatchEvent> events)
    {
        // Streams take the request context along to their consumers (Azure queue streams deliver it with the event):
        // the writer's credential must not reach every watcher. Cleared in this async method only, the caller keeps it.
        Caller.Use(null);
        // One batch per shard stream: a batch of 95 creates costs a handful of stream calls, not 95.
        var sends = events.GroupBy(e => WatchStreams.ShardOf(e.Path))
            .Select(shard => provider.GetStream<WatchEvent>(StreamId.Create(WatchStreams.Namespace, shard.Key)).OnNextBatchAsync(shard.ToList()))
            .ToList();
        if (sends.Count > 0) await Task.WhenAll(sends);
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
