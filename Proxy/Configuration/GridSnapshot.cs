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

    /// <summary>
    /// Every problem with a snapshot read back from disk, checked with the same rules as the grid's znodes: a file
    /// edited by hand, cut short or written by another version must not become the proxy's configuration.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        if (Routes is null || Clusters is null || Instances is null) return ["routes, clusters or instances missing"];
        var errors = new List<string>();
        foreach (var (id, route) in Routes) errors.AddRange(Problems($"route {id}", route?.Validate(id)));
        foreach (var (id, cluster) in Clusters) errors.AddRange(Problems($"cluster {id}", cluster?.Validate(id)));
        foreach (var (cluster, instances) in Instances)
        {
            if (instances is null) errors.Add($"instances of {cluster}: missing");
            else foreach (var (id, instance) in instances) errors.AddRange(Problems($"instance {cluster}/{id}", instance?.Validate(id)));
        }

        return errors;
    }

    private static IEnumerable<string> Problems(string what, IReadOnlyList<string>? errors) =>
        errors is null ? [$"{what}: missing"] : errors.Select(error => $"{what}: {error}");

    /// <summary>The clusters the proxy serves: those with settings and those a route names.</summary>
    public IEnumerable<string> ClusterIds =>
        Clusters.Keys.Concat(Routes.Values.Select(r => r.Cluster!)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
}
