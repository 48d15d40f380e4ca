namespace OrleansCoord.Watches;

/// <summary>
/// The subscribers of one watch shard (key: the shard number, <see cref="WatchStreams.ShardOf"/>). The znode grains
/// push each change to its shard grain before they acknowledge the write, and the shard grain pushes it on to every
/// subscriber, each through a bounded queue of its own (docs/adr/014-watch-delivery.md).
/// </summary>
[Alias("coord.watch.shard")]
public interface IWatchShardGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Registers <paramref name="observer"/> for every event of the shard from now on (again: harmless, and how a
    /// subscriber checks that it is still registered: see <see cref="ShardRegistration"/>).
    /// </summary>
    [Alias("subscribe")] Task<ShardRegistration> Subscribe(IWatchObserver observer);

    /// <summary>Ends <paramref name="observer"/>'s registration; nothing queued for it is sent.</summary>
    [Alias("unsubscribe")] Task Unsubscribe(IWatchObserver observer);
}
