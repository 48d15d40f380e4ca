using OrleansCoord.Client.Proxy;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>Whether the fast path serves a request (a head it can parse, a route and cluster it models) or leaves it
/// to Kestrel, and why (the reasons of coord_proxy_fast_path_handoffs_total).</summary>
internal sealed partial class FastPathConnection
{
    /// <summary>The head's length; 0 while it is incomplete; -1 when it is not the fast path's (too large, not plain).</summary>
    private int FindHead(ReadOnlySpan<byte> span)
    {
        var end = span.IndexOf("\r\n\r\n"u8);
        // A head ended by bare LFs never shows CRLFCRLF: Kestrel answers it (not a wait until the headers timeout).
        if (end < 0) return span.Length >= MaxHeadSize || span.IndexOf("\n\n"u8) >= 0 || span.IndexOf("\n\r\n"u8) >= 0 ? -1 : 0;
        var limits = _services.Limits;
        // Kestrel answers these itself (414, 431).
        if (span.IndexOf("\r\n"u8) > limits.MaxRequestLineSize || end + 4 > limits.MaxRequestHeadersTotalSize) return -1;
        return end + 4 <= MaxHeadSize && _head.TryParse(span[..(end + 4)]) ? end + 4 : -1;
    }

    /// <summary>How the fast path serves the parsed request, or null when Kestrel and YARP must (and why).</summary>
    private Decision? Decide(out string handoff)
    {
        var options = _services.Options;
        handoff = Handoff.Body;
        if (_head.ContentLength > Math.Min(MaxBodySize, options.MaxRequestBodySize)) return null;
        handoff = Handoff.Route;
        var match = _services.Routes.Match(_head[_head.Path], _head[_head.Host], out var route);
        if (match == RouteMatch.Unsure) return null;
        if (match == RouteMatch.NotFound) return new Decision(null, null, null);
        handoff = Handoff.Cluster;
        if (route!.Cluster is not { } cluster || _services.Plans.Of(cluster) is not { } plan) return null;
        if (plan.HashKey is { Source: HashKeySource.Cookie } && !CookiesArePlain()) return null;
        return new Decision(route, cluster, plan);
    }

    /// <summary>The reasons of coord_proxy_fast_path_handoffs_total.</summary>
    private static class Handoff
    {
        /// <summary>The head is not plain HTTP/1.1 (upgrade, Expect, chunked body, HTTP/1.0, encoded path, malformed, ...).</summary>
        public const string Request = "request";

        /// <summary>The body is larger than the fast path buffers (or than the limit: Kestrel answers 413).</summary>
        public const string Body = "body";

        /// <summary>The routes hold something the route table does not model, or routing would be ambiguous.</summary>
        public const string Route = "route";

        /// <summary>The cluster asks for what the fast path does not do (a policy not ours, an instance not http://, a
        /// cookie key ASP.NET would decode).</summary>
        public const string Cluster = "cluster";

        /// <summary>The client agreed on HTTP/2 in the TLS handshake (ALPN), which Kestrel serves.</summary>
        public const string Http2 = "h2";
    }

    /// <summary>Why and how the fast path serves a request; a null route: no route matched (404).</summary>
    private readonly record struct Decision(RouteModel? Route, ClusterState? Cluster, ClusterPlan? Plan);
}
