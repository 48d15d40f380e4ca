using OrleansCoord.Client.Proxy;
using OrleansCoord.Watches;

namespace OrleansCoord.Proxy.Configuration;

/// <summary>
/// What changed in the grid since the last read, as the recursive watches report it: the routes, the cluster settings,
/// the instances of some clusters, or everything (a session event, a watch that lost events and says "re-read the
/// subtree", the periodic safety net). Taking the changes resets them; what comes meanwhile waits for the next take.
/// </summary>
internal sealed class GridChanges
{
    private readonly Lock _gate = new();
    private bool _all = true; // the first read of a connection reads everything
    private bool _routes;
    private bool _clusters;
    private HashSet<string> _instances = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="change"/>; false when it concerns nothing the proxy reads.</summary>
    public bool Record(WatchEvent change)
    {
        lock (_gate)
        {
            // No path of its own: the session changed state, or a recursive watch lost events (a coalesced marker).
            if (change.Type == WatchEventType.None) return _all = true;
            if (Within(change.Path, ProxyPaths.Routes)) return _routes = true;
            if (Within(change.Path, ProxyPaths.Clusters)) return _clusters = true;
            if (change.Path == ProxyPaths.Services) return _all = true;
            if (!change.Path.StartsWith(ProxyPaths.Services + "/", StringComparison.Ordinal)) return false;
            // Of every cluster, served or not: a route read meanwhile may make one served (the reader drops the rest).
            var cluster = change.Path[(ProxyPaths.Services.Length + 1)..];
            var slash = cluster.IndexOf('/');
            _instances.Add(slash < 0 ? cluster : cluster[..slash]);
            return true;
        }
    }

    /// <summary>Everything must be read again.</summary>
    public void RecordAll()
    {
        lock (_gate) _all = true;
    }

    /// <summary>The changes recorded so far; from now on, recording starts afresh.</summary>
    public Pending Take()
    {
        lock (_gate)
        {
            var pending = new Pending(_all, _routes, _clusters, _instances);
            (_all, _routes, _clusters, _instances) = (false, false, false, new HashSet<string>(StringComparer.Ordinal));
            return pending;
        }
    }

    private static bool Within(string path, string root) =>
        path == root || (path.Length > root.Length && path[root.Length] == '/' && path.StartsWith(root, StringComparison.Ordinal));

    /// <summary>What one read must read again: everything, or the routes, the settings and the instances of
    /// <paramref name="Instances"/>' clusters.</summary>
    public sealed record Pending(bool All, bool Routes, bool Clusters, IReadOnlySet<string> Instances);
}
