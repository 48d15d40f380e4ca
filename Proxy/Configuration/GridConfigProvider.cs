using Yarp.ReverseProxy.Configuration;

namespace OrleansCoord.Proxy.Configuration;

/// <summary>
/// Hands YARP the configuration built from the grid. <see cref="Update"/> swaps in a whole new snapshot at once
/// and then fires the old one's change token, so a request sees either the old routes and instances or the new,
/// never a mix. Requests never call the grid: they read only what was swapped in here.
/// </summary>
internal sealed class GridConfigProvider : IProxyConfigProvider
{
    private volatile GridProxyConfig _config = new([], [], "empty");

    /// <summary>The snapshot the current configuration was built from.</summary>
    public GridSnapshot Snapshot { get; private set; } = GridSnapshot.Empty;

    public IProxyConfig GetConfig() => _config;

    public void Update(GridSnapshot snapshot, IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters)
    {
        var previous = _config;
        Snapshot = snapshot;
        _config = new GridProxyConfig(routes, clusters, Guid.NewGuid().ToString("N"));
        previous.SignalReplaced();
    }
}
