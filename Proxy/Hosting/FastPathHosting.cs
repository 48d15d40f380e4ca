using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OrleansCoord.Proxy.FastPath;

namespace OrleansCoord.Proxy.Hosting;

/// <summary>Puts the connection-level fast path (FastPath/) in front of Kestrel's HTTP/1.1 on a port (<c>--fast-path on</c>).</summary>
internal static class FastPathHosting
{
    /// <summary>Each connection of <paramref name="listen"/> starts on the fast path; Kestrel gets it at the first
    /// request the fast path leaves to it.</summary>
    public static void UseFastPath(this ListenOptions listen) =>
        listen.Use(next => listen.ApplicationServices.GetRequiredService<FastPathServices>().Wrap(next));

    /// <summary>Gives the fast path the endpoints that ASP.NET routing matches (YARP's routes); call after MapReverseProxy.</summary>
    public static void FollowRoutesOnFastPath(this WebApplication app, ProxyOptions options)
    {
        if (!options.UseFastPath) return;
        app.Services.GetRequiredService<FastPathServices>().Follow(new CompositeEndpointDataSource(((IEndpointRouteBuilder)app).DataSources));
    }
}
