using OrleansCoord.Client;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Proxy.Tests.Infrastructure;

/// <summary>Writes the proxy's configuration into the grid the way the CLI and the service registry do.</summary>
internal static class GridConfig
{
    public static Task SetRouteAsync(this CoordClient client, string id, RouteSpec route) =>
        client.UpsertAsync(ProxyPaths.Route(id), ProxyJson.Write(route));

    public static Task SetClusterAsync(this CoordClient client, string id, ClusterSpec cluster) =>
        client.UpsertAsync(ProxyPaths.Cluster(id), ProxyJson.Write(cluster));

    /// <summary>An ephemeral registration under <c>/services/&lt;cluster&gt;</c>, as the service registry makes it.</summary>
    public static async Task RegisterAsync(this CoordClient client, string cluster, Upstream upstream, int weight = 1)
    {
        await client.EnsurePathAsync(ProxyPaths.Instances(cluster));
        await client.CreateAsync($"{ProxyPaths.Instances(cluster)}/{upstream.Id}",
            ProxyJson.Write(new InstanceSpec(upstream.Address, weight, new Dictionary<string, string> { ["test"] = "yes" })), CreateMode.Ephemeral);
    }

    public static Task DeregisterAsync(this CoordClient client, string cluster, Upstream upstream) =>
        client.DeleteAsync($"{ProxyPaths.Instances(cluster)}/{upstream.Id}");

    private static async Task UpsertAsync(this CoordClient client, string path, byte[] data)
    {
        await client.EnsurePathAsync(ZNodePath.Parent(path));
        try
        {
            await client.CreateAsync(path, data);
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.NodeExists)
        {
            await client.SetDataAsync(path, data);
        }
    }

    private static async Task EnsurePathAsync(this CoordClient client, string path)
    {
        var current = "";
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current += "/" + segment;
            try
            {
                await client.CreateAsync(current);
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.NodeExists)
            {
            }
        }
    }
}
