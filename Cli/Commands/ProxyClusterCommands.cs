using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Client.Proxy;

namespace OrleansCoord.Cli.Commands;

/// <summary><c>proxy cluster set ID --policy NAME [...]</c> and <c>proxy cluster rm ID</c>: a cluster's balancing and health settings.</summary>
internal static class ProxyClusterCommands
{
    public static Command Build(GlobalOptions globals)
    {
        var cluster = new Command("cluster", "Cluster settings: balancing policy, health, retries (/proxy/clusters/<id>).");
        cluster.Add(BuildSet(globals));
        cluster.Add(BuildRemove(globals));
        return cluster;
    }

    private static Command BuildSet(GlobalOptions globals)
    {
        var defaults = ClusterSpec.Default;
        var id = new Argument<string>("id") { Description = "Cluster id (the service name instances register under /services/<id>)." };
        var policy = new Option<string>("--policy")
        {
            Description = $"Balancing policy: {string.Join(", ", BalancingPolicyNames.All)}.",
            DefaultValueFactory = _ => defaults.Policy,
        };
        var hashKey = new Option<string?>("--hash-key") { Description = "For consistent-hash: header:NAME, cookie:NAME, ip or path." };
        var healthPath = new Option<string?>("--health-path") { Description = "Active probes: GET this path on each instance." };
        var healthInterval = new Option<double>("--health-interval") { Description = "Seconds between probes.", DefaultValueFactory = _ => defaults.HealthIntervalSeconds };
        var maxFails = new Option<int>("--max-fails") { Description = "Failures within --fail-timeout that take an instance out (0: never).", DefaultValueFactory = _ => defaults.MaxFails };
        var failTimeout = new Option<double>("--fail-timeout") { Description = "Seconds: the failure window and how long an instance stays out.", DefaultValueFactory = _ => defaults.FailTimeoutSeconds };
        var retries = new Option<int>("--retries") { Description = "Other instances tried after a connection failure of an idempotent request.", DefaultValueFactory = _ => defaults.Retries };
        var spec = ProxySpecOption.Create();

        var command = new Command("set", "Create or replace a cluster's settings.") { id, policy, hashKey, healthPath, healthInterval, maxFails, failTimeout, retries, spec };
        command.SetGridAction(globals, parse =>
        {
            var clusterId = parse.GetValue(id)!;
            var text = parse.GetValue(spec);
            var data = text is not null
                ? ProxySpecOption.Read(text, parse, globals, policy, hashKey, healthPath, healthInterval, maxFails, failTimeout, retries)
                : ProxyJson.Write(new ClusterSpec(parse.GetValue(policy)!, parse.GetValue(hashKey), parse.GetValue(healthPath),
                    parse.GetValue(healthInterval), parse.GetValue(maxFails), parse.GetValue(failTimeout), parse.GetValue(retries)));
            var znode = ProxyPaths.Cluster(clusterId);
            var settings = ProxyJson.Require(ProxyJson.ReadCluster(clusterId, data), znode);

            return async (client, output, cancellationToken) =>
            {
                await ProxyZNodes.UpsertAsync(client, znode, ProxyJson.Write(settings), cancellationToken);
                output.Emit(null, () => new JsonObject { ["path"] = znode, ["cluster"] = JsonNode.Parse(ProxyJson.Write(settings)) });
                return ExitCodes.Ok;
            };
        });
        return command;
    }

    private static Command BuildRemove(GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "Cluster id." };
        var command = new Command("rm", "Delete a cluster's settings (routes to it then use the defaults).") { id };
        command.SetGridAction(globals, parse =>
        {
            var clusterId = parse.GetValue(id)!;
            if (!ProxyPaths.IsValidId(clusterId)) throw Errors.CoordException.BadArguments(null, $"cluster id '{clusterId}' may hold only letters, digits, '.', '_' and '-'");
            var znode = ProxyPaths.Cluster(clusterId);
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
