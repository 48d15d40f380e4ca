using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.LoadBalancing;

/// <summary>
/// Counts YARP's path in <see cref="InFlightRequests"/>: in the proxy pipeline after load balancing, which leaves the
/// one instance it picked as the only available one, around the forwarder that sends the request there.
/// </summary>
internal static class InFlightMiddleware
{
    public static Task InvokeAsync(HttpContext context, RequestDelegate next) =>
        context.GetReverseProxyFeature().AvailableDestinations is [var destination] ? CountAsync(context, next, destination.InFlight()) : next(context);

    private static async Task CountAsync(HttpContext context, RequestDelegate next, InFlightCount inFlight)
    {
        inFlight.Enter();
        try
        {
            await next(context);
        }
        finally
        {
            inFlight.Leave();
        }
    }
}
