using OrleansCoord.Watches;

namespace OrleansCoord.SessionLayer;

/// <summary>What one watch watches, at either front door; decides which removal takes it away and which event tells
/// its watcher it went.</summary>
public enum WatchKind
{
    /// <summary>One-shot, set by a data read.</summary>
    Data,

    /// <summary>One-shot, set by an exists read: fires on the znode's creation too. Removed as a data watch.</summary>
    Exist,

    /// <summary>One-shot, set by a children read.</summary>
    Children,

    /// <summary>Every change of one znode until removed.</summary>
    Persistent,

    /// <summary>Creations, data changes and deletions of a znode and its whole subtree until removed.</summary>
    PersistentRecursive,
}

public static class WatchKindRules
{
    /// <summary>Whether the watch ends when it fires once.</summary>
    public static bool IsOneShot(this WatchKind kind) => kind is WatchKind.Data or WatchKind.Exist or WatchKind.Children;

    /// <summary>Whether a watch of this kind hears a znode event of <paramref name="type"/> (ZooKeeper's rules: a data
    /// watch hears its znode change or go, an exists watch also its creation, a child watch its children change or
    /// the znode go; a recursive watch hears creations, changes and deletions in its subtree, not children changes,
    /// which the child's own event says).</summary>
    public static bool FiresOn(this WatchKind kind, WatchEventType type) => kind switch
    {
        WatchKind.Data => type is WatchEventType.NodeDataChanged or WatchEventType.NodeDeleted,
        WatchKind.Exist => type is WatchEventType.NodeCreated or WatchEventType.NodeDataChanged or WatchEventType.NodeDeleted,
        WatchKind.Children => type is WatchEventType.NodeChildrenChanged or WatchEventType.NodeDeleted,
        WatchKind.Persistent => type is WatchEventType.NodeCreated or WatchEventType.NodeDataChanged or WatchEventType.NodeDeleted
            or WatchEventType.NodeChildrenChanged,
        WatchKind.PersistentRecursive => type is WatchEventType.NodeCreated or WatchEventType.NodeDataChanged or WatchEventType.NodeDeleted,
        _ => false,
    };

    /// <summary>Whether a removal of watchers of <paramref name="type"/> (ZooKeeper's removeWatches) takes a watch of this kind.</summary>
    public static bool RemovedBy(this WatchKind kind, WatcherType type) => type switch
    {
        WatcherType.Any => true,
        WatcherType.Data => kind is WatchKind.Data or WatchKind.Exist,
        WatcherType.Children => kind == WatchKind.Children,
        WatcherType.Persistent => kind == WatchKind.Persistent,
        WatcherType.PersistentRecursive => kind == WatchKind.PersistentRecursive,
        _ => false,
    };

    /// <summary>The event a watcher of this kind gets when it is removed.</summary>
    public static WatchEventType RemovalEvent(this WatchKind kind) => kind switch
    {
        WatchKind.Data or WatchKind.Exist => WatchEventType.DataWatchRemoved,
        WatchKind.Children => WatchEventType.ChildWatchRemoved,
        _ => WatchEventType.PersistentWatchRemoved,
    };
}
