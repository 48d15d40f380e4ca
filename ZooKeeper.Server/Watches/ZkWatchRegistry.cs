using OrleansCoord.Watches;
using OrleansCoord.ZNodes;
using OrleansCoord.SessionLayer;

namespace OrleansCoord.ZooKeeper.Server.Watches;

/// <summary>
/// The watches of one connection, owned by its writer loop (no locks): one-shot data, exist and child watches, each
/// with the revision its read saw, and persistent and persistent-recursive watches (addWatch). It decides which
/// events a client is told about, one notification per event and connection, as ZooKeeper does.
/// </summary>
internal sealed class ZkWatchRegistry
{
    /// <summary>Revisions the reads saw; <see cref="Absent"/> marks an exist watch set while the node did not exist.</summary>
    private readonly Dictionary<string, (long? Data, long? Exist, long? Child)> _oneShot = new(StringComparer.Ordinal);
    /// <summary>Persistent watches, each with what the connection had seen of the tree when it was added.</summary>
    private readonly Dictionary<string, ZkSeenRevisions.Snapshot> _persistent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ZkSeenRevisions.Snapshot> _recursive = new(StringComparer.Ordinal);
    private readonly ZkImpliedEvents _implied = new();
    private readonly ZkSeenRevisions _seen = new();

    private const long Absent = -1;

    public int Count => _oneShot.Count + _persistent.Count + _recursive.Count;

    public IEnumerable<(string Path, string Kind)> Describe() =>
        _oneShot.SelectMany(p => new[] { (p.Key, p.Value.Data, "data"), (p.Key, p.Value.Exist, "exist"), (p.Key, p.Value.Child, "child") })
            .Where(w => w.Item2 is not null).Select(w => (w.Item1, w.Item3))
            .Concat(_persistent.Keys.Select(p => (p, "persistent"))).Concat(_recursive.Keys.Select(p => (p, "persistentRecursive")));

    /// <summary>Adds a one-shot watch; false when the connection already had one of that kind on the path (then the
    /// newer revision is kept and the caller releases its extra interest).</summary>
    public bool AddOneShot(string path, WatchKind kind, Stat? stat)
    {
        _oneShot.TryGetValue(path, out var entry);
        var fresh = kind switch
        {
            WatchKind.Data => entry.Data is null,
            WatchKind.Exist => entry.Exist is null,
            _ => entry.Child is null,
        };
        entry = kind switch
        {
            WatchKind.Data => entry with { Data = Math.Max(entry.Data ?? long.MinValue, stat!.Mzxid) },
            WatchKind.Exist => entry with { Exist = Math.Max(entry.Exist ?? long.MinValue, stat?.Mzxid ?? Absent) },
            _ => entry with { Child = Math.Max(entry.Child ?? long.MinValue, stat!.Pzxid) },
        };
        _oneShot[path] = entry;
        return fresh;
    }

    /// <summary>
    /// Adds a persistent watch; false when the connection already had it. It fires for changes made after it was
    /// added: a change the connection had already been shown (its own create just before, whose stream event is
    /// still on its way) is not reported to it, as ZooKeeper's watch manager, which sees events in order, never would.
    /// </summary>
    public bool AddPersistent(string path, bool recursive) => (recursive ? _recursive : _persistent).TryAdd(path, _seen.Freeze());

    /// <summary>A reply showed <paramref name="path"/> with <paramref name="stat"/>: persistent watches added from now on
    /// take no event at or below those revisions.</summary>
    public void Saw(string path, Stat stat) => _seen.Saw(path, stat);

    public bool HasOneShot(string path, WatchKind kind) => _oneShot.TryGetValue(path, out var e) && kind switch
    {
        WatchKind.Data => e.Data is not null,
        WatchKind.Exist => e.Exist is not null,
        WatchKind.Children => e.Child is not null,
        _ => false,
    };

    public bool HasPersistent(string path, bool recursive) => (recursive ? _recursive : _persistent).ContainsKey(path);

    /// <summary>Removes one-shot watches of a path; returns how many went (each held one interest).</summary>
    public int RemoveOneShot(string path, bool data, bool child)
    {
        if (!_oneShot.TryGetValue(path, out var e)) return 0;
        var removed = 0;
        if (data && e.Data is not null) { removed++; e = e with { Data = null }; }
        if (data && e.Exist is not null) { removed++; e = e with { Exist = null }; }
        if (child && e.Child is not null) { removed++; e = e with { Child = null }; }
        Store(path, e);
        return removed;
    }

    public bool RemovePersistent(string path, bool recursive) => (recursive ? _recursive : _persistent).Remove(path);

    /// <summary>
    /// An event from the streams: true when the client is to be notified. The one-shot watches it triggers go (their
    /// count is in <paramref name="released"/>); an event not newer than what a watch's read saw triggers nothing.
    /// An event made up from a reply (<see cref="Observe"/>) triggers only one-shot watches: the persistent ones
    /// get the stream's own event.
    /// </summary>
    public bool Trigger(WatchEvent change, out int released, bool oneShotOnly = false)
    {
        released = 0;
        var notify = false;
        if (_oneShot.TryGetValue(change.Path, out var e))
        {
            if (Fires(WatchKind.Data, e.Data, change)) { e = e with { Data = null }; released++; }
            if (Fires(WatchKind.Exist, e.Exist, change)) { e = e with { Exist = null }; released++; }
            if (Fires(WatchKind.Children, e.Child, change)) { e = e with { Child = null }; released++; }
            Store(change.Path, e);
            notify = released > 0;
        }

        var persistent = (_persistent.TryGetValue(change.Path, out var seen) && !seen.Shows(change))
            || (_recursive.Count > 0 && WatchKind.PersistentRecursive.FiresOn(change.Type)
                && ZNodePath.SelfAndAncestors(change.Path).Any(root => _recursive.TryGetValue(root, out var since) && !since.Shows(change)));
        if (oneShotOnly)
        {
            // The notification also reaches the client's persistent watchers of that path: their stream copy is not sent.
            if (notify && persistent) _implied.Notified(change);
            return notify;
        }

        if (persistent && !_implied.AlreadyNotified(change)) notify = true;
        return notify;
    }

    /// <summary>
    /// Whether a one-shot watch of <paramref name="kind"/>, set by a read that saw <paramref name="seen"/> (null: none
    /// set), fires on <paramref name="change"/>: an event its kind hears, newer than its read; a creation fires only an
    /// exist watch set while the znode was absent, and an exist watch set so hears nothing else first.
    /// </summary>
    private static bool Fires(WatchKind kind, long? seen, WatchEvent change) =>
        seen is { } revision && kind.FiresOn(change.Type)
        && (change.Type == WatchEventType.NodeCreated ? revision == Absent : revision != Absent && change.Revision > revision);

    /// <summary>
    /// What a reply is about to tell the client about <paramref name="path"/> (its Stat, or null when it is gone):
    /// the event a one-shot watch would fire for it, so that the client hears of a change before it reads the
    /// change (ZooKeeper's ordering promise), even when the stream event has not arrived yet.
    /// </summary>
    public WatchEvent? Observe(string path, Stat? stat)
    {
        if (!_oneShot.TryGetValue(path, out var e)) return null;
        WatchEvent? change = null;
        if (stat is null)
        {
            if (e.Data is not null || e.Child is not null || (e.Exist is { } x && x != Absent))
                change = new WatchEvent(WatchEventType.NodeDeleted, path, long.MaxValue);
        }
        else if (e.Exist == Absent)
        {
            change = new WatchEvent(WatchEventType.NodeCreated, path, stat.Czxid);
        }
        else if ((e.Data is { } d && stat.Mzxid > d) || (e.Exist is { } x && stat.Mzxid > x))
        {
            change = new WatchEvent(WatchEventType.NodeDataChanged, path, stat.Mzxid);
        }
        else if (e.Child is { } c && stat.Pzxid > c)
        {
            change = new WatchEvent(WatchEventType.NodeChildrenChanged, path, stat.Pzxid);
        }

        return change;
    }

    /// <summary>
    /// What a reply showing <paramref name="path"/> with <paramref name="stat"/> implies for a child watch on its parent:
    /// the node exists since <c>Czxid</c>, so a parent whose children this connection last saw before that has changed.
    /// </summary>
    public WatchEvent? ObserveParent(string path, Stat stat)
    {
        if (path == ZNodePath.Root || _oneShot.Count == 0) return null;
        var parent = ZNodePath.Parent(path);
        return _oneShot.TryGetValue(parent, out var e) && e.Child is { } c && stat.Czxid > c
            ? new WatchEvent(WatchEventType.NodeChildrenChanged, parent, stat.Czxid)
            : null;
    }

    /// <summary>
    /// What a reply listing <paramref name="parent"/>'s children as of <paramref name="parentPzxid"/> implies for one-shot
    /// watches on those children: a child a watch saw at a revision below the list's, and that the list lacks, was
    /// deleted since the watch's read. (Reads of one connection run concurrently, so a list may be older than a watch
    /// set by a request sent before it: the revisions tell, and a list no newer than the watch implies nothing.)
    /// </summary>
    public List<WatchEvent>? ObserveChildren(string parent, IReadOnlyList<string> children, long parentPzxid)
    {
        List<WatchEvent>? changes = null;
        HashSet<string>? listed = null;
        foreach (var (path, e) in _oneShot)
        {
            var seen = Math.Max(e.Data ?? long.MinValue, Math.Max(e.Child ?? long.MinValue, e.Exist ?? long.MinValue));
            if (seen == Absent || seen >= parentPzxid || path == ZNodePath.Root || ZNodePath.Parent(path) != parent) continue;
            listed ??= new HashSet<string>(children, StringComparer.Ordinal);
            if (!listed.Contains(ZNodePath.Name(path))) (changes ??= []).Add(new WatchEvent(WatchEventType.NodeDeleted, path, long.MaxValue));
        }

        return changes;
    }

    private void Store(string path, (long? Data, long? Exist, long? Child) e)
    {
        if (e.Data is null && e.Exist is null && e.Child is null) _oneShot.Remove(path);
        else _oneShot[path] = e;
    }
}
