using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.SessionLayer;

/// <summary>
/// Who takes the events of which znodes, at either front door (the SDK's watchers, the wire server's connections):
/// recipients of one path, and recipients of a whole subtree. An event goes to the recipients of its path and of every
/// subtree at or above it, each once. Also says which recipients a watch shard's events reach, so that a shard's loss
/// or its silo's reaches exactly them. Not thread-safe: its owner locks.
/// </summary>
public sealed class WatchRoutes<T> where T : class
{
    private readonly Dictionary<string, List<T>> _paths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<T>> _subtrees = new(StringComparer.Ordinal);
    private readonly int[] _pathsPerShard = new int[WatchStreams.Shards];

    public bool IsEmpty => _paths.Count == 0 && _subtrees.Count == 0;

    public bool HasPath(string path) => _paths.ContainsKey(path);

    /// <summary>Adds <paramref name="recipient"/> for the events of <paramref name="path"/> (with
    /// <paramref name="subtree"/>: of every znode at or below it). True when it was not there yet.</summary>
    public bool Add(string path, bool subtree, T recipient)
    {
        var table = subtree ? _subtrees : _paths;
        if (!table.TryGetValue(path, out var recipients))
        {
            table[path] = recipients = [];
            if (!subtree) _pathsPerShard[WatchStreams.ShardOf(path)]++;
        }
        else if (recipients.Contains(recipient))
        {
            return false;
        }

        recipients.Add(recipient);
        return true;
    }

    /// <summary>Removes one route. <c>Removed</c>: it was there; <c>PathUnwatched</c>: it was the path's last one.</summary>
    public (bool Removed, bool PathUnwatched) Remove(string path, bool subtree, T recipient)
    {
        var table = subtree ? _subtrees : _paths;
        if (!table.TryGetValue(path, out var recipients) || !recipients.Remove(recipient)) return (false, false);
        if (recipients.Count > 0) return (true, false);
        table.Remove(path);
        if (!subtree) _pathsPerShard[WatchStreams.ShardOf(path)]--;
        return (true, true);
    }

    /// <summary>The recipients of exactly <paramref name="path"/> (or of the subtree rooted there), as a copy.</summary>
    public List<T> At(string path, bool subtree) =>
        (subtree ? _subtrees : _paths).TryGetValue(path, out var recipients) ? [.. recipients] : [];

    /// <summary>The paths watched one by one (not subtree roots).</summary>
    public List<string> Paths() => [.. _paths.Keys];

    /// <summary>The recipients of subtrees, each once.</summary>
    public List<T> SubtreeRecipients() => Distinct(_subtrees.Values.SelectMany(r => r));

    /// <summary>Every recipient, each once.</summary>
    public List<T> All() => Distinct(_paths.Values.SelectMany(r => r).Concat(_subtrees.Values.SelectMany(r => r)));

    /// <summary>
    /// Who takes <paramref name="change"/>: the recipients of its path, then those of the subtrees at and above it,
    /// nearest first, each once. A subtree's recipients do not take NodeChildrenChanged: ZooKeeper's recursive watches
    /// leave it out, since the child's own event says it (<see cref="WatchKindRules.FiresOn"/>).
    /// </summary>
    public List<T> Match(WatchEvent change)
    {
        List<T> matched = [];
        var sources = 0;
        if (_paths.TryGetValue(change.Path, out var exact))
        {
            matched.AddRange(exact);
            sources++;
        }

        if (_subtrees.Count == 0 || !WatchKind.PersistentRecursive.FiresOn(change.Type)) return matched;
        foreach (var root in ZNodePath.SelfAndAncestors(change.Path))
        {
            if (!_subtrees.TryGetValue(root, out var recipients)) continue;
            matched.AddRange(recipients);
            sources++;
        }

        // One list holds each recipient once (Add): only recipients gathered from several lists can repeat.
        return sources > 1 ? Distinct(matched) : matched;
    }

    /// <summary>Whether anything takes the events of <paramref name="shard"/>: a path that lands there, or any subtree
    /// (a subtree's events land in every shard).</summary>
    public bool NeedsShard(int shard) => _subtrees.Count > 0 || _pathsPerShard[shard] > 0;

    /// <summary>The recipients that take events of <paramref name="shard"/>, each once: those of its paths and every
    /// subtree's.</summary>
    public List<T> OnShard(int shard) =>
        Distinct(_paths.Where(p => WatchStreams.ShardOf(p.Key) == shard).SelectMany(p => p.Value).Concat(_subtrees.Values.SelectMany(r => r)));

    private static List<T> Distinct(IEnumerable<T> recipients) => [.. recipients.Distinct(ReferenceEqualityComparer.Instance).Cast<T>()];
}
