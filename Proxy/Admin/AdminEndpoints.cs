using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrleansCoord.Proxy.Admin;

/// <summary>The admin port's answers, kept off the proxied port: <c>/healthz</c> (and <c>/metrics</c>).</summary>
internal static class AdminEndpoints
{
    /// <summary>Serves admin requests arriving on <paramref name="adminPort"/>; everything else goes on to the proxy.</summary>
    public static void UseAdminPort(this WebApplication app, int adminPort) =>
        app.MapWhen(context => context.Connection.LocalPort == adminPort, admin => admin.Run(context => context.Request.Path.Value switch
        {
            "/healthz" => context.Response.WriteAsync("ok"),
            _ => NotFound(context),
        }));

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
