namespace OrleansCoord.Watches;

/// <summary>What happened, with ZooKeeper's names and numbers (its <c>Watcher.Event.EventType</c>).</summary>
public enum WatchEventType
{
    /// <summary>Not a znode change: the session's state changed (see <see cref="WatchEvent.State"/>), or, with
    /// <see cref="WatchEvent.Coalesced"/>, a recursive watch's events may have been lost and its subtree should be read again.</summary>
    None = -1,
    NodeCreated = 1,
    NodeDeleted = 2,
    NodeDataChanged = 3,
    NodeChildrenChanged = 4,

    /// <summary>The watcher's data (or exists) watch was removed by <c>RemoveWatchesAsync</c>; nothing more comes.</summary>
    DataWatchRemoved = 5,

    /// <summary>The watcher's child watch was removed; nothing more comes.</summary>
    ChildWatchRemoved = 6,

    /// <summary>The watcher's persistent (or persistent-recursive) watch was removed; nothing more comes.</summary>
    PersistentWatchRemoved = 7,
}

/// <summary>The session's state as a watcher sees it, with ZooKeeper's names and numbers (<c>KeeperState</c>).</summary>
public enum WatchState
{
    /// <summary>The client lost touch with the grid; events may be late. Reads and writes fail until it is back.</summary>
    Disconnected = 0,

    /// <summary>Connected (again): after a disconnection the watches were resynchronised by revision.</summary>
    SyncConnected = 3,

    /// <summary>The session ended; its watches are gone.</summary>
    Expired = -112,
}

/// <summary>A change to the znode at <see cref="Path"/>, made at <see cref="Revision"/>.</summary>
/// <remarks>Changes committed together (one batch of a znode's pipeline) may come as one event carrying the last
/// revision: events may be coalesced, never lost (docs/adr/006-watch-streams.md). An event the client made up
/// after a failure, by comparing what it had seen with what it read, has <see cref="Coalesced"/> set: the znode
/// is now at <see cref="Revision"/>, and changes between may have left no event of their own.</remarks>
[GenerateSerializer, Immutable]
public sealed record WatchEvent(
    [property: Id(0)] WatchEventType Type,
    [property: Id(1)] string Path,
    [property: Id(2)] long Revision,
    [property: Id(3)] WatchState State = WatchState.SyncConnected,
    [property: Id(4)] bool Coalesced = false);
