namespace OrleansCoord.Client;

/// <summary>What a registered watcher watches; decides which events reach it and which removal takes it away.</summary>
internal enum WatcherKind
{
    /// <summary>One-shot, set by a data or exists read.</summary>
    Data,

    /// <summary>One-shot, set by a children read.</summary>
    Children,

    /// <summary>Every change of one znode until removed.</summary>
    Persistent,

    /// <summary>Creations, data changes and deletions of a znode and its whole subtree until removed.</summary>
    PersistentRecursive,
}

internal static class WatcherKindRules
{
    /// <summary>Whether <c>RemoveWatchesAsync(path, type)</c> removes a watcher of this kind.</summary>
    public static bool RemovedBy(this WatcherKind kind, Watches.WatcherType type) => type switch
    {
        Watches.WatcherType.Any => true,
        Watches.WatcherType.Data => kind == WatcherKind.Data,
        Watches.WatcherType.Children => kind == WatcherKind.Children,
        Watches.WatcherType.Persistent => kind == WatcherKind.Persistent,
        Watches.WatcherType.PersistentRecursive => kind == WatcherKind.PersistentRecursive,
        _ => false,
    };

    /// <summary>The event a watcher of this kind gets when it is removed.</summary>
    public static Watches.WatchEventType RemovalEvent(this WatcherKind kind) => kind switch
    {
        WatcherKind.Data => Watches.WatchEventType.DataWatchRemoved,
        WatcherKind.Children => Watches.WatchEventType.ChildWatchRemoved,
        _ => Watches.WatchEventType.PersistentWatchRemoved,
    };
}
