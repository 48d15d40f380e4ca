using OrleansCoord.Watches;

namespace OrleansCoord.ZooKeeper.Server.Watches;

/// <summary>A connection that takes watch events from <see cref="ZkWatchHub"/>; called on delivery threads, must not block.</summary>
internal interface IZkWatchSink
{
    void OnWatchEvent(WatchEvent change);

    /// <summary>Events for this connection may have been lost (or it fell too far behind): it closes, and its client
    /// reconnects and sets its watches again with the last revision it saw.</summary>
    void OnEventsLost();
}
