using System.Globalization;
using Microsoft.AspNetCore.Http;
using OrleansCoord.Proxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.Forwarding;

/// <summary>
/// nginx's <c>proxy_next_upstream error timeout</c>: when an instance cannot be reached (connect failure, reset before
/// any answer, timeout) and nothing has been sent to the client yet, an idempotent request without a body is sent
/// to another available instance, up to the cluster's <c>retries</c>. Runs before load balancing, which then picks
/// among the instances not yet tried.
/// </summary>
internal static class RetryMiddleware
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var proxy = context.Features.Get<IReverseProxyFeature>()!;
        var candidates = proxy.AvailableDestinations;
        var retries = RetriesOf(proxy.Cluster.Config);
        for (var attempt = 0; ; attempt++)
        {
            await next(context);
            if (attempt >= retries || !ShouldRetry(context) || proxy.ProxiedDestination is not { } failed) return;

            candidates = candidates.Where(d => !ReferenceEquals(d, failed)).ToList();
            if (candidates.Count == 0) return;

            // Forget the failed attempt: its 502 and error must not reach the client or the next attempt.
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.Clear();
            proxy.AvailableDestinations = candidates;
            proxy.ProxiedDestination = null;
        }
    }

    private static bool ShouldRetry(HttpContext context) =>
        !context.Response.HasStarted
        && context.Features.Get<IForwarderErrorFeature>() is { Error: ForwarderError.Request or ForwarderError.RequestTimedOut }
        && IsIdempotent(context.Request.Method)
        && context.Request.ContentLength is null or 0
        && !context.Request.Headers.ContainsKey("Transfer-Encoding");

    private static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
        || HttpMethods.IsTrace(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);

    private static int RetriesOf(Yarp.ReverseProxy.Configuration.ClusterConfig config) =>
        config.Metadata is { } metadata && metadata.TryGetValue(YarpConfigBuilder.RetriesMetadata, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var retries) ? retries : 0;
}
