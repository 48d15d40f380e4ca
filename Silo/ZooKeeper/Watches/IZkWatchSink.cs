using OrleansCoord.Watches;

namespace OrleansCoord.Silo.ZooKeeper.Watches;

/// <summary>A connection that takes watch events from <see cref="ZkWatchHub"/>; called on stream threads, must not block.</summary>
internal interface IZkWatchSink
{
    void OnWatchEvent(WatchEvent change);
}
