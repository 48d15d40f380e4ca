using System.Globalization;
using System.Text;
using OrleansCoord.Proxy.Hosting;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.Observability;

/// <summary>Renders the metrics in Prometheus' text exposition format (version 0.0.4).</summary>
internal static class MetricsText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Render(ProxyMetrics metrics, IProxyStateLookup state, ClientConnections connections)
    {
        // Route "" counts requests no route matched; instance "" those no instance answered.
        metrics.Forget(route => route.Length == 0 || state.TryGetRoute(route, out _),
            (route, instance) => instance.Length == 0
                || state.TryGetRoute(route, out var model) && model.Cluster?.Destinations.ContainsKey(instance) == true);
        var text = new StringBuilder();
        text.AppendLine("# HELP coord_proxy_requests_total Requests answered, by route, the instance that answered last, and status.");
        text.AppendLine("# TYPE coord_proxy_requests_total counter");
        foreach (var (route, instance, status, count) in metrics.Requests.OrderBy(r => (r.Route, r.Instance, r.Status)))
        {
            text.Append(CultureInfo.InvariantCulture, $"coord_proxy_requests_total{{route=\"{Escape(route)}\",instance=\"{Escape(instance)}\",status=\"{status}\"}} {count}\n");
        }

        text.AppendLine("# HELP coord_proxy_request_duration_seconds Time from receiving a request to finishing its answer, by route.");
        text.AppendLine("# TYPE coord_proxy_request_duration_seconds histogram");
        foreach (var (route, histogram) in metrics.Latencies.OrderBy(l => l.Route, StringComparer.Ordinal))
        {
            var cumulative = histogram.Cumulative();
            var label = Escape(route);
            for (var i = 0; i < cumulative.Length; i++)
            {
                var bound = i < ProxyMetrics.BucketBounds.Length ? ProxyMetrics.BucketBounds[i].ToString(CultureInfo.InvariantCulture) : "+Inf";
                text.Append(CultureInfo.InvariantCulture, $"coord_proxy_request_duration_seconds_bucket{{route=\"{label}\",le=\"{bound}\"}} {cumulative[i]}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"coord_proxy_request_duration_seconds_sum{{route=\"{label}\"}} {histogram.SumSeconds}\n");
            text.Append(CultureInfo.InvariantCulture, $"coord_proxy_request_duration_seconds_count{{route=\"{label}\"}} {cumulative[^1]}\n");
        }

        text.AppendLine("# HELP coord_proxy_instance_healthy 1 while an instance gets traffic, 0 while passive or active health holds it out.");
        text.AppendLine("# TYPE coord_proxy_instance_healthy gauge");
        foreach (var cluster in state.GetClusters().OrderBy(c => c.ClusterId, StringComparer.Ordinal))
        {
            foreach (var destination in cluster.Destinations.Values.OrderBy(d => d.DestinationId, StringComparer.Ordinal))
            {
                var healthy = destination.Health.Passive != DestinationHealth.Unhealthy && destination.Health.Active != DestinationHealth.Unhealthy;
                text.Append(CultureInfo.InvariantCulture,
                    $"coord_proxy_instance_healthy{{cluster=\"{Escape(cluster.ClusterId)}\",instance=\"{Escape(destination.DestinationId)}\"}} {(healthy ? 1 : 0)}\n");
            }
        }

        text.AppendLine("# HELP coord_proxy_fast_path_requests_total Requests answered on the connection-level fast path (also counted in coord_proxy_requests_total).");
        text.AppendLine("# TYPE coord_proxy_fast_path_requests_total counter");
        text.Append(CultureInfo.InvariantCulture, $"coord_proxy_fast_path_requests_total {metrics.FastPathRequests}\n");
        text.AppendLine("# HELP coord_proxy_fast_path_handoffs_total Connections the fast path handed to Kestrel and YARP, by the first request it left to them.");
        text.AppendLine("# TYPE coord_proxy_fast_path_handoffs_total counter");
        foreach (var (reason, count) in metrics.FastPathHandoffs.OrderBy(h => h.Reason, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"coord_proxy_fast_path_handoffs_total{{reason=\"{reason}\"}} {count}\n");
        }

        text.AppendLine("# HELP coord_proxy_client_connections Client connections open on the proxied ports.");
        text.AppendLine("# TYPE coord_proxy_client_connections gauge");
        text.Append(CultureInfo.InvariantCulture, $"coord_proxy_client_connections {connections.Open}\n");
        text.AppendLine("# HELP coord_proxy_client_connections_rejected_total Client connections closed on arrival because --max-connections were open.");
        text.AppendLine("# TYPE coord_proxy_client_connections_rejected_total counter");
        text.Append(CultureInfo.InvariantCulture, $"coord_proxy_client_connections_rejected_total {connections.Rejected}\n");
        return text.ToString();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
