using OrleansCoord.Client.Proxy;

namespace OrleansCoord.Proxy.Configuration;

/// <summary>
/// Everything the proxy read from the grid at one moment: the valid routes, cluster settings and registered
/// instances, keyed by id. This is what the snapshot file holds and what <see cref="YarpConfigBuilder"/> turns
/// into YARP's configuration.
/// </summary>
internal sealed record GridSnapshot(
    SortedDictionary<string, RouteSpec> Routes,
    SortedDictionary<string, ClusterSpec> Clusters,
    SortedDictionary<string, SortedDictionary<string, InstanceSpec>> Instances)
{
    public static GridSnapshot Empty { get; } = new([], [], []);

    /// <summary>The clusters the proxy serves: those with settings and those a route names.</summary>
    public IEnumerable<string> ClusterIds =>
        Clusters.Keys.Concat(Routes.Values.Select(r => r.Cluster!)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
}
