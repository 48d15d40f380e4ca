using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OrleansCoord.AdminAccess;
using OrleansCoord.Proxy.Hosting;
using OrleansCoord.Proxy.Observability;
using Yarp.ReverseProxy;

namespace OrleansCoord.Proxy.Admin;

/// <summary>The admin port's answers, kept off the proxied port: <c>/healthz</c> and Prometheus' <c>/metrics</c>.</summary>
internal static class AdminEndpoints
{
    /// <summary>Serves admin requests arriving on <paramref name="adminPort"/>, behind <paramref name="guard"/> (open on
    /// loopback; TLS and credentials for all but <c>/healthz</c> beyond it: docs/adr/016); everything else goes on to the proxy.</summary>
    public static void UseAdminPort(this WebApplication app, int adminPort, AdminPortGuard guard) =>
        app.MapWhen(context => context.Connection.LocalPort == adminPort, admin =>
        {
            admin.Use(guard.InvokeAsync);
            admin.Run(context => context.Request.Path.Value switch
            {
                "/healthz" => context.Response.WriteAsync("ok"),
                "/metrics" => Metrics(context),
                _ => NotFound(context),
            });
        });

    private static Task Metrics(HttpContext context)
    {
        var services = context.RequestServices;
        context.Response.ContentType = MetricsText.ContentType;
        return context.Response.WriteAsync(MetricsText.Render(services.GetRequiredService<ProxyMetrics>(), services.GetRequiredService<IProxyStateLookup>(), services.GetRequiredService<ClientConnections>()));
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
