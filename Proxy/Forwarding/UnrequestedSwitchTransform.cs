using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Transforms;

namespace OrleansCoord.Proxy.Forwarding;

/// <summary>
/// An upstream's <c>101 Switching Protocols</c> to a request that asked for no upgrade becomes the proxy's 502: relayed,
/// it tells the client the connection now speaks another protocol while the proxy goes on serving HTTP on it (the fast
/// path refuses it the same way, Proxy.FastPath/ResponseRelay). An upgrade the client asked for passes as before.
/// </summary>
internal static class UnrequestedSwitchTransform
{
    public static ValueTask ApplyAsync(ResponseTransformContext context)
    {
        if (context.ProxyResponse?.StatusCode != HttpStatusCode.SwitchingProtocols) return default;
        var http = context.HttpContext;
        if (http.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }) return default;
        if (http.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true }) return default;
        http.Response.Headers.Clear();
        http.Response.StatusCode = StatusCodes.Status502BadGateway;
        context.SuppressResponseBody = true;
        return default;
    }
}
