using System.Globalization;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Configuration;

namespace OrleansCoord.Proxy.Forwarding;

/// <summary>Which requests may be sent to another instance, and how often (nginx <c>proxy_next_upstream</c>): the
/// rules both paths follow (YARP's in Proxy's <c>RetryMiddleware</c>, the fast path's in <c>FastPathConnection</c>).</summary>
internal static class RetryRules
{
    /// <summary>The cluster metadata key that holds the grid's <c>retries</c> setting.</summary>
    public const string RetriesMetadata = "retries";

    public static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
        || HttpMethods.IsTrace(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);

    public static int RetriesOf(ClusterConfig config) =>
        config.Metadata is { } metadata && metadata.TryGetValue(RetriesMetadata, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var retries) ? retries : 0;
}
