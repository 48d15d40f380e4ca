namespace OrleansCoord.Watches;

/// <summary>What happened to a znode, with ZooKeeper's names and numbers.</summary>
public enum WatchEventType
{
    NodeCreated = 1,
    NodeDeleted = 2,
    NodeDataChanged = 3,
    NodeChildrenChanged = 4,
}

/// <summary>A change to the znode at <see cref="Path"/>, made at <see cref="Revision"/>.</summary>
/// <remarks>Changes committed together (one batch of a znode's pipeline) may come as one event carrying the last
/// revision: events may be coalesced, never lost (docs/adr/006-watch-streams.md).</remarks>
[GenerateSerializer, Immutable]
public sealed record WatchEvent(
    [property: Id(0)] WatchEventType Type,
    [property: Id(1)] string Path,
    [property: Id(2)] long Revision);
