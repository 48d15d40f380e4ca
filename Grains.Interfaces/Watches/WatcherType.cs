namespace OrleansCoord.Watches;

/// <summary>Which watches <c>RemoveWatchesAsync</c> removes, with ZooKeeper's names and numbers.</summary>
public enum WatcherType
{
    /// <summary>Child watches (set by a children read).</summary>
    Children = 1,

    /// <summary>Data watches (set by a data or exists read).</summary>
    Data = 2,

    /// <summary>Every kind: data, child, persistent and persistent-recursive.</summary>
    Any = 3,

    /// <summary>Persistent watches on the path itself.</summary>
    Persistent = 4,

    /// <summary>Persistent-recursive watches rooted at the path.</summary>
    PersistentRecursive = 5,
}

/// <summary>How <c>AddWatchAsync</c> watches, with ZooKeeper's names and numbers (<c>AddWatchMode</c>).</summary>
public enum AddWatchMode
{
    /// <summary>The znode's creation, data changes, children changes and deletion, until removed.</summary>
    Persistent = 0,

    /// <summary>Creation, data changes and deletion of the znode and of every znode below it, until removed
    /// (no NodeChildrenChanged: a child's NodeCreated/NodeDeleted says it, as in ZooKeeper).</summary>
    PersistentRecursive = 1,
}
