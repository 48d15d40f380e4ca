using Microsoft.Extensions.Logging;
using OrleansCoord.Client;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Errors;

namespace OrleansCoord.Proxy.Configuration;

/// <summary>
/// Reads routes, cluster settings and the instances of every served cluster from the grid: at first all of them, then
/// what the watches said changed, keeping the rest from the last read (a cluster that a route now names for the first
/// time is read whole). Znodes with invalid JSON are left out (and logged); they do not stop the rest. One per
/// connection: a new connection starts with a full read.
/// </summary>
internal sealed partial class GridReader(CoordClient client, ILogger logger)
{
    // Each invalid znode is logged once per connection, not on every re-read.
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private GridSnapshot? _last;

    public async Task<GridSnapshot> ReadAsync(GridChanges.Pending changes, CancellationToken cancellationToken)
    {
        var last = changes.All ? null : _last;
        var routes = last is null || changes.Routes
            ? await ReadChildrenAsync(ProxyPaths.Routes, ProxyPaths.Route, ProxyJson.ReadRoute, cancellationToken)
            : last.Routes;
        var clusters = last is null || changes.Clusters
            ? await ReadChildrenAsync(ProxyPaths.Clusters, ProxyPaths.Cluster, ProxyJson.ReadCluster, cancellationToken)
            : last.Clusters;
        var snapshot = new GridSnapshot(routes, clusters, []);
        foreach (var cluster in snapshot.ClusterIds.ToList())
        {
            snapshot.Instances[cluster] = last is not null && !changes.Instances.Contains(cluster) && last.Instances.TryGetValue(cluster, out var known)
                ? known
                : await ReadChildrenAsync(ProxyPaths.Instances(cluster), id => $"{ProxyPaths.Instances(cluster)}/{id}",
                    ProxyJson.ReadInstance, cancellationToken);
        }

        _last = snapshot;
        return snapshot;
    }

    private async Task<SortedDictionary<string, T>> ReadChildrenAsync<T>(string parent, Func<string, string> pathOf,
        Func<string, ReadOnlySpan<byte>, ParseResult<T>> parse, CancellationToken cancellationToken) where T : class
    {
        var specs = new SortedDictionary<string, T>(StringComparer.Ordinal);
        string[] children;
        try
        {
            children = (await client.GetChildrenAsync(parent, cancellationToken)).Children;
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
        {
            return specs;
        }

        var reads = children.Select(async id => (Id: id, Data: await ReadDataAsync(pathOf(id), cancellationToken)));
        foreach (var (id, data) in await Task.WhenAll(reads))
        {
            if (data is null) continue; // Deleted between the listing and the read: its event brings the next read.
            var result = parse(id, data);
            if (result.Spec is { } spec) specs[id] = spec;
            else if (_reported.Add($"{pathOf(id)}: {string.Join("; ", result.Errors)}")) LogInvalid(logger, pathOf(id), string.Join("; ", result.Errors));
        }

        return specs;
    }

    private async Task<byte[]?> ReadDataAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetDataAsync(path, cancellationToken)).Data;
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring {Path}: {Errors}")]
    private static partial void LogInvalid(ILogger logger, string path, string errors);
}
