using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using OrleansCoord.Client;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli.Commands;

/// <summary><c>proxy ls</c>: the routes, cluster settings and registered instances, as the proxy reads them.</summary>
internal static class ProxyListCommand
{
    public static Command Build(GlobalOptions globals)
    {
        var command = new Command("ls", "List routes, cluster settings and registered instances.");
        command.SetGridAction(globals, _ => async (client, output, cancellationToken) =>
        {
            var routes = await ReadAsync(client, ProxyPaths.Routes, cancellationToken);
            var clusters = await ReadAsync(client, ProxyPaths.Clusters, cancellationToken);
            var clusterIds = clusters.Keys.Concat(routes.Values.Select(ClusterOf).OfType<string>()).Distinct().Order(StringComparer.Ordinal).ToList();
            var instances = new Dictionary<string, SortedDictionary<string, byte[]>>();
            foreach (var id in clusterIds) instances[id] = await ReadAsync(client, ProxyPaths.Instances(id), cancellationToken);

            var text = new StringBuilder();
            var json = new JsonObject { ["routes"] = new JsonObject(), ["clusters"] = new JsonObject() };
            foreach (var (id, data) in routes)
            {
                var parsed = ProxyJson.ReadRoute(id, data);
                text.AppendLine(parsed.Spec is { } r
                    ? $"route {id}: {r.Path}{(r.Hosts is { Count: > 0 } h ? $" (hosts {string.Join(",", h)})" : "")} -> {r.Cluster}"
                    : $"route {id}: invalid ({string.Join("; ", parsed.Errors)})");
                json["routes"]![id] = Describe(data, parsed.Errors);
            }

            foreach (var id in clusterIds)
            {
                var parsed = clusters.TryGetValue(id, out var data) ? ProxyJson.ReadCluster(id, data) : new ParseResult<ClusterSpec>(ClusterSpec.Default, []);
                text.AppendLine(parsed.Spec is { } c
                    ? $"cluster {id}: {c.Policy}{(c.HashKey is null ? "" : $" on {c.HashKey}")}, max-fails {c.MaxFails} in {c.FailTimeoutSeconds}s, retries {c.Retries}" +
                      (c.HealthPath is null ? "" : $", probe {c.HealthPath} every {c.HealthIntervalSeconds}s") + (data is null ? " (defaults)" : "")
                    : $"cluster {id}: invalid ({string.Join("; ", parsed.Errors)})");
                var members = new JsonObject();
                foreach (var (instance, registration) in instances[id])
                {
                    var entry = ProxyJson.ReadInstance(instance, registration);
                    text.AppendLine(entry.Spec is { } i
                        ? $"  instance {instance}: {i.Address} weight {i.Weight}"
                        : $"  instance {instance}: invalid ({string.Join("; ", entry.Errors)})");
                    members[instance] = Describe(registration, entry.Errors);
                }

                json["clusters"]![id] = new JsonObject
                {
                    ["settings"] = data is null ? JsonNode.Parse(ProxyJson.Write(ClusterSpec.Default)) : Describe(data, parsed.Errors),
                    ["instances"] = members,
                };
            }

            output.Emit(text.Length == 0 ? null : text.ToString().TrimEnd(), () => json);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string? ClusterOf(byte[] routeData) =>
        ProxyJson.ReadRoute("route", routeData).Spec?.Cluster;

    private static JsonNode? Describe(byte[] data, IReadOnlyList<string> errors) =>
        errors.Count == 0 ? JsonNode.Parse(data) : new JsonObject { ["invalid"] = new JsonArray([.. errors.Select(e => (JsonNode)e)]) };

    private static async Task<SortedDictionary<string, byte[]>> ReadAsync(CoordClient client, string parent, CancellationToken cancellationToken)
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        string[] children;
        try
        {
            children = (await client.GetChildrenAsync(parent, cancellationToken)).Children;
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
        {
            return result;
        }

        foreach (var child in children)
        {
            try
            {
                result[child] = (await client.GetDataAsync($"{parent}/{child}", cancellationToken)).Data;
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
            {
                // Gone since the listing (an instance left): not part of the answer.
            }
        }

        return result;
    }
}
