using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Client;

/// <summary>
/// What the client last knew of a watched znode (from a read or an event): whether it existed and the revisions
/// of its creation, data and children. A resync compares it with a fresh read to tell what was missed.
/// </summary>
internal sealed record TrackedNode(bool Exists, long Czxid, long Mzxid, long Pzxid)
{
    public static readonly TrackedNode Absent = new(false, 0, 0, 0);

    public static TrackedNode Of(Stat? stat) => stat is null ? Absent : new(true, stat.Czxid, stat.Mzxid, stat.Pzxid);

    /// <summary>The newest revision this state reflects.</summary>
    public long Revision => Math.Max(Czxid, Math.Max(Mzxid, Pzxid));

    /// <summary>The state after <paramref name="change"/>, or this one when the change is older than what is known.</summary>
    public TrackedNode After(WatchEvent change) => change.Type switch
    {
        WatchEventType.NodeCreated when change.Revision > Revision => new(true, change.Revision, change.Revision, change.Revision),
        WatchEventType.NodeDeleted when Exists && change.Revision >= Revision => Absent with { Mzxid = change.Revision },
        WatchEventType.NodeDataChanged when change.Revision > Mzxid => this with { Exists = true, Mzxid = change.Revision },
        WatchEventType.NodeChildrenChanged when change.Revision > Pzxid => this with { Exists = true, Pzxid = change.Revision },
        _ => this,
    };

    /// <summary>The events that lead from this state to <paramref name="now"/>, marked as coalesced; none when nothing changed.
    /// <paramref name="deletedAt"/> stands for a deletion's revision, which a read of an absent znode cannot tell.</summary>
    public IEnumerable<WatchEvent> MissedUntil(TrackedNode now, string path, long deletedAt)
    {
        if (Exists && (!now.Exists || now.Czxid != Czxid))
        {
            yield return new WatchEvent(WatchEventType.NodeDeleted, path, Math.Max(deletedAt, Revision + 1), Coalesced: true);
        }

        if (!now.Exists) yield break;
        var recreated = !Exists || now.Czxid != Czxid;
        if (recreated) yield return new WatchEvent(WatchEventType.NodeCreated, path, now.Czxid, Coalesced: true);
        if (now.Mzxid > (recreated ? now.Czxid : Mzxid)) yield return new WatchEvent(WatchEventType.NodeDataChanged, path, now.Mzxid, Coalesced: true);
        if (now.Pzxid > (recreated ? now.Czxid : Pzxid)) yield return new WatchEvent(WatchEventType.NodeChildrenChanged, path, now.Pzxid, Coalesced: true);
    }
}
