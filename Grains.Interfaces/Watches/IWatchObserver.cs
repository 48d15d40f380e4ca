namespace OrleansCoord.Watches;

/// <summary>
/// A process that takes watch events (an SDK client, a silo's ZooKeeper front end): one observer per process, registered
/// with the shard grains of the shards it needs (docs/adr/014-watch-delivery.md).
/// </summary>
[Alias("coord.watch.observer")]
public interface IWatchObserver : IGrainObserver
{
    /// <summary>
    /// Takes a batch. A shard sends its next batch to this observer only after this call completed, so a process that
    /// is slow here holds up only itself; one that falls too far behind gets a batch marked <see cref="WatchBatch.Lost"/>.
    /// </summary>
    [Alias("on-watch-events")] Task OnWatchEvents(WatchBatch batch);
}
