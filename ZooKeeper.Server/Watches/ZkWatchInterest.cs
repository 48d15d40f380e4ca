namespace OrleansCoord.ZooKeeper.Server.Watches;

/// <summary>
/// Which paths and subtrees one connection takes events for, counted: a read that sets a watch takes one count
/// before it reads (so no event after the read is missed), and the registry gives it back when the watch fires or
/// goes. The hub hears of a path at its first count and its last.
/// </summary>
internal sealed class ZkWatchInterest(ZkWatchHub hub, IZkWatchSink sink)
{
    private readonly Dictionary<string, int> _paths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _subtrees = new(StringComparer.Ordinal);

    /// <summary>Takes one count and makes sure the hub's subscription stands; when the subscription fails (the watch
    /// shard's silo is unreachable), the count is given back and the failure thrown, so the caller may try again.</summary>
    public async Task AcquireAsync(string path, bool subtree = false)
    {
        var counts = subtree ? _subtrees : _paths;
        lock (counts)
        {
            counts[path] = counts.GetValueOrDefault(path) + 1;
        }

        try
        {
            // Adding again is harmless and makes sure the subscription is there before the caller reads.
            await (subtree ? hub.AddSubtreeAsync(path, sink) : hub.AddAsync(path, sink));
        }
        catch
        {
            Release(path, subtree: subtree);
            throw;
        }
    }

    public void Release(string path, int count = 1, bool subtree = false)
    {
        if (count <= 0) return;
        var counts = subtree ? _subtrees : _paths;
        lock (counts)
        {
            var left = counts.GetValueOrDefault(path) - count;
            if (left > 0)
            {
                counts[path] = left;
                return;
            }

            counts.Remove(path);
            if (subtree) hub.RemoveSubtree(path, sink);
            else hub.Remove(path, sink);
        }
    }

    /// <summary>Forgets everything (the connection closed).</summary>
    public void Clear()
    {
        lock (_paths)
        {
            foreach (var path in _paths.Keys) hub.Remove(path, sink);
            _paths.Clear();
        }

        lock (_subtrees)
        {
            foreach (var path in _subtrees.Keys) hub.RemoveSubtree(path, sink);
            _subtrees.Clear();
        }
    }
}
