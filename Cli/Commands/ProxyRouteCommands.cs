using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Client.Proxy;

namespace OrleansCoord.Cli.Commands;

/// <summary><c>proxy route set ID --path P --cluster C [--host H]...</c> and <c>proxy route rm ID</c>.</summary>
internal static class ProxyRouteCommands
{
    public static Command Build(GlobalOptions globals)
    {
        var route = new Command("route", "Routes: which requests go to which cluster (/proxy/routes/<id>).");
        route.Add(BuildSet(globals));
        route.Add(BuildRemove(globals));
        return route;
    }

    private static Command BuildSet(GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "Route id: letters, digits, '.', '_', '-'." };
        var path = new Option<string?>("--path") { Description = "Route template, e.g. /api/{**rest}." };
        var cluster = new Option<string?>("--cluster") { Description = "The cluster whose instances serve the route." };
        var hosts = new Option<string[]>("--host") { Description = "Host header to match (repeatable; any when absent).", AllowMultipleArgumentsPerToken = false };
        var spec = ProxySpecOption.Create();

        var command = new Command("set", "Create or replace a route.") { id, path, cluster, hosts, spec };
        command.SetGridAction(globals, parse =>
        {
            var routeId = parse.GetValue(id)!;
            var text = parse.GetValue(spec);
            var data = text is not null
                ? ProxySpecOption.Read(text, parse, globals, path, cluster, hosts)
                : ProxyJson.Write(new RouteSpec(parse.GetValue(path), parse.GetValue(cluster), parse.GetValue(hosts) is { Length: > 0 } h ? h : null));
            var znode = ProxyPaths.Route(routeId);
            var route = ProxyJson.Require(ProxyJson.ReadRoute(routeId, data), znode);

            return async (client, output, cancellationToken) =>
            {
                await ProxyZNodes.UpsertAsync(client, znode, ProxyJson.Write(route), cancellationToken);
                output.Emit(null, () => new JsonObject { ["path"] = znode, ["route"] = JsonNode.Parse(ProxyJson.Write(route)) });
                return ExitCodes.Ok;
            };
        });
        return command;
    }

    private static Command BuildRemove(GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "Route id." };
        var command = new Command("rm", "Delete a route.") { id };
        command.SetGridAction(globals, parse =>
        {
            var routeId = parse.GetValue(id)!;
            if (!ProxyPaths.IsValidId(routeId)) throw Errors.CoordException.BadArguments(null, $"route id '{routeId}' may hold only letters, digits, '.', '_' and '-'");
            var znode = ProxyPaths.Route(routeId);
            return async (client, output, cancellationToken) =>
            {
                await client.DeleteAsync(znode, -1, cancellationToken);
                output.Emit(null, () => new JsonObject { ["path"] = znode, ["deleted"] = 1 });
                return ExitCodes.Ok;
            };
        });
        return command;
    }
}
