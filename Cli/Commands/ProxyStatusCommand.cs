using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli.Commands;

/// <summary><c>proxy status</c>: each running proxy's view of its upstreams, from <c>/proxy/status/&lt;proxy-id&gt;</c>.</summary>
internal static class ProxyStatusCommand
{
    public static Command Build(GlobalOptions globals)
    {
        var command = new Command("status", "Show each running proxy's view of its upstreams: health and requests in flight per instance.");
        command.SetGridAction(globals, _ => async (client, output, cancellationToken) =>
        {
            string[] proxies;
            try
            {
                proxies = (await client.GetChildrenAsync(ProxyPaths.Status, cancellationToken)).Children;
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
            {
                proxies = [];
            }

            var text = new StringBuilder();
            var json = new JsonObject();
            foreach (var proxy in proxies.Order(StringComparer.Ordinal))
            {
                byte[] data;
                try
                {
                    data = (await client.GetDataAsync(ProxyPaths.StatusOf(proxy), cancellationToken)).Data;
                }
                catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
                {
                    continue; // That proxy stopped since the listing.
                }

                var status = ProxyJson.ReadStatus(data);
                json[proxy] = status is null ? new JsonObject { ["invalid"] = "not a proxy status" } : JsonNode.Parse(data);
                Describe(text, proxy, status);
            }

            output.Emit(text.Length == 0 ? null : text.ToString().TrimEnd(), () => json);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Describe(StringBuilder text, string proxy, ProxyStatus? status)
    {
        if (status is null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"proxy {proxy}: unreadable status");
            return;
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"proxy {proxy}");
        foreach (var (cluster, state) in status.Clusters)
        {
            var healthy = state.Instances.Values.Count(i => i.Healthy);
            text.AppendLine(CultureInfo.InvariantCulture, $"  cluster {cluster}: {healthy}/{state.Instances.Count} healthy");
            foreach (var (id, instance) in state.Instances)
            {
                var held = instance.Healthy ? "healthy" : $"unhealthy ({string.Join(", ", Verdicts(instance))})";
                text.AppendLine(CultureInfo.InvariantCulture, $"    instance {id}: {instance.Address} {held}, {instance.InFlight} in flight");
            }
        }
    }

    private static IEnumerable<string> Verdicts(InstanceStatus instance)
    {
        if (instance.Passive == "unhealthy") yield return "passive";
        if (instance.Active == "unhealthy") yield return "active";
    }
}
