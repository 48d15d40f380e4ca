using Microsoft.AspNetCore.Http;
using OrleansCoord.Proxy.Hosting;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.Observability;

/// <summary>First in the proxy pipeline: times each request and, once it is answered, counts it and writes the access log.</summary>
internal sealed class RequestObserver(ProxyMetrics metrics, TimeProvider time, ProxyOptions options, AccessLog accessLog)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var started = time.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var proxy = context.Features.Get<IReverseProxyFeature>();
            metrics.Record(proxy?.Route.Config.RouteId ?? "", proxy?.ProxiedDestination?.DestinationId ?? "",
                context.Response.StatusCode, time.GetElapsedTime(started));
            if (options.AccessLog) accessLog.Write(context, time.GetUtcNow());
        }
    }
}
