using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansCoord.Client;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Errors;
using OrleansCoord.Explorer.Sessions;

namespace OrleansCoord.Explorer.Api;

/// <summary>
/// <c>GET /explorer/api/proxy</c>: the reverse proxy's configuration as the grid holds it (Proxy.Schema, docs/adr/011):
/// routes under <c>/proxy/routes</c>, cluster settings under <c>/proxy/clusters</c>, registered instances under
/// <c>/services/&lt;cluster&gt;</c>, and each running proxy's view of its instances' health under <c>/proxy/status</c>.
/// Each znode's JSON as stored (or its parse error): the page shows what the proxy will read.
/// </summary>
internal static class ProxyEndpoint
{
    /// <summary>Most znodes listed per folder (the page is an overview, not a dump).</summary>
    public const int MaxPerFolder = 500;

    public static void Map(RouteGroupBuilder api, ReadSession session)
    {
        api.MapGet("/proxy", (CancellationToken cancellationToken) => ApiErrors.RunAsync(async () =>
        {
            var client = await session.GetAsync(cancellationToken);
            var routes = await ReadFolderAsync(client, ProxyPaths.Routes, cancellationToken);
            var clusters = await ReadFolderAsync(client, ProxyPaths.Clusters, cancellationToken);
            var status = await ReadFolderAsync(client, ProxyPaths.Status, cancellationToken);
            var services = new List<object>();
            foreach (var cluster in await ChildrenAsync(client, ProxyPaths.Services, cancellationToken))
            {
                services.Add(new { cluster, instances = await ReadFolderAsync(client, ProxyPaths.Instances(cluster), cancellationToken) });
            }

            return Results.Json(new { routes, clusters, services, status });
        }));
    }

    private static async Task<string[]> ChildrenAsync(CoordClient client, string path, CancellationToken cancellationToken)
    {
        try
        {
            return [.. (await client.GetChildrenAsync(path, cancellationToken)).Children.Order(StringComparer.Ordinal).Take(MaxPerFolder)];
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
        {
            return [];
        }
    }

    private static async Task<List<object>> ReadFolderAsync(CoordClient client, string path, CancellationToken cancellationToken)
    {
        var entries = new List<object>();
        foreach (var id in await ChildrenAsync(client, path, cancellationToken))
        {
            try
            {
                var node = await client.GetDataAsync($"{path}/{id}", cancellationToken);
                entries.Add(new { id, path = $"{path}/{id}", ephemeralOwner = "0x" + node.Stat.EphemeralOwner.ToString("x"), spec = Parse(node.Data) });
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
            {
                // Gone between the listing and the read (an instance deregistered): not there.
            }
        }

        return entries;
    }

    private static object Parse(byte[] data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            return new { invalidJson = exception.Message, text = Encoding.UTF8.GetString(data) };
        }
    }
}
