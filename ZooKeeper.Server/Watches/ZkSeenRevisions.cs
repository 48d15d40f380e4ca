using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.ZooKeeper.Server.Watches;

/// <summary>
/// The newest revision of each recent znode a connection's replies showed, so that a persistent watch added later can
/// tell a stream event it must not report (the change came before the watch) from one it must. Revisions of different
/// znodes are not compared: the grid's revisions are ordered per znode only (a hybrid clock per silo). Owned by the
/// writer loop, like <see cref="ZkWatchRegistry"/>.
/// </summary>
internal sealed class ZkSeenRevisions
{
    /// <summary>Past this many znodes the record starts again: forgetting only risks a stale event on a new watch.</summary>
    private const int Limit = 256;

    private Dictionary<string, long> _seen = new(StringComparer.Ordinal);
    private Snapshot? _frozen;

    public void Saw(string path, Stat stat)
    {
        var revision = Math.Max(stat.Czxid, Math.Max(stat.Mzxid, stat.Pzxid));
        if (_seen.TryGetValue(path, out var known) && known >= revision) return;
        if (_frozen is not null)
        {
            // Watches hold the frozen record: copy on the first change after a freeze (addWatch is rare, replies are not).
            _seen = _seen.Count >= Limit ? new(StringComparer.Ordinal) : new(_seen, StringComparer.Ordinal);
            _frozen = null;
        }
        else if (_seen.Count >= Limit && !_seen.ContainsKey(path))
        {
            _seen.Clear();
        }

        _seen[path] = revision;
    }

    /// <summary>What was seen up to now, for a watch added now; shared by every watch added before the next change.</summary>
    public Snapshot Freeze() => _frozen ??= new Snapshot(_seen);

    public sealed class Snapshot(IReadOnlyDictionary<string, long> seen)
    {
        /// <summary>
        /// True when the connection had been shown <paramref name="change"/> (or a later state of its znode) before the
        /// snapshot. A znode's revisions only increase, so a change at or below a revision seen of it came before. A
        /// deletion carries the revision of the last state it removed: the same revision as the one seen is a deletion
        /// after it, not before.
        /// </summary>
        public bool Shows(WatchEvent change) =>
            change.Type is WatchEventType.NodeCreated or WatchEventType.NodeDataChanged or WatchEventType.NodeChildrenChanged or WatchEventType.NodeDeleted
            && seen.TryGetValue(change.Path, out var revision)
            && (change.Type == WatchEventType.NodeDeleted ? change.Revision < revision : change.Revision <= revision);
    }
}
