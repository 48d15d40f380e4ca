using System.Net.Http;
using Yarp.ReverseProxy.Forwarder;

namespace OrleansCoord.Proxy.Forwarding;

/// <summary>
/// YARP's upstream client (no proxy, redirects, cookies or decompression already) without trace-header rewriting:
/// the proxy creates no Activity of its own, so a client's <c>traceparent</c> is passed on as it came, like nginx,
/// and the request path skips the propagator.
/// </summary>
internal sealed class UpstreamHttpClientFactory : ForwarderHttpClientFactory
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ActivityHeadersPropagator = null;
    }
}
