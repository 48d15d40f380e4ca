using System.Security.Cryptography.X509Certificates;
using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using OrleansCoord.Proxy.FastPath;
using OrleansCoord.Proxy.FastPath.Handoff;
using OrleansCoord.Proxy.Observability;

namespace OrleansCoord.Proxy.Hosting;

/// <summary>Serves the main port with the fast path's event loops (Proxy.FastPath/, <c>--fast-path on</c>) or with Kestrel.</summary>
internal static class FastPathHosting
{
    /// <summary>Whether the fast path serves the main port: asked for, and this platform has its event loops.</summary>
    public static bool FastPathServes(this ProxyOptions options) => options.UseFastPath && FastPathListener.Supported;

    public static IServiceCollection AddFastPath(this IServiceCollection services, ProxyOptions options, X509Certificate2? httpsCertificate)
    {
        services.AddSingleton(FastPathOptionsOf(options, httpsCertificate));
        services.AddSingleton<IFastPathMetrics>(sp => sp.GetRequiredService<ProxyMetrics>());
        services.AddSingleton<IClientConnectionLimit>(sp => sp.GetRequiredService<ClientConnections>());
        services.AddSingleton<ClusterPlans>();
        services.AddSingleton<FastPathServices>();
        if (!options.FastPathServes()) return services;
        services.AddFastPathHandoff();
        services.AddHostedService<FastPathListener>();
        return services;
    }

    private static FastPathOptions FastPathOptionsOf(ProxyOptions options, X509Certificate2? httpsCertificate) => new()
    {
        ListenAddress = options.ListenAddress,
        Port = options.Port,
        HttpsPort = options.HttpsPort,
        Certificate = httpsCertificate,
        LoopCount = options.LoopCount,
        SendTimeout = options.SendTimeout,
        TlsHandshakeTimeout = options.TlsHandshakeTimeout,
        UnderscoresInHeaders = options.UnderscoresInHeaders,
        MaxRequestBodySize = options.MaxRequestBodySize,
        RetryBodyLimit = options.RetryBodyLimit,
        AccessLog = options.AccessLog,
    };

    /// <summary>The main port, cleartext HTTP/1.1: the fast path listens on it and hands Kestrel what it leaves; without
    /// the fast path Kestrel listens itself.</summary>
    public static void ListenMainPort(this KestrelServerOptions kestrel, IPAddress address, ProxyOptions options)
    {
        EndPoint endpoint = new IPEndPoint(address, options.Port);
        if (options.FastPathServes()) endpoint = new HandoffEndPoint((IPEndPoint)endpoint);
        kestrel.Listen(endpoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.CountClientConnections(admitted: options.FastPathServes());
        });
    }

    /// <summary>Gives the fast path the endpoints that ASP.NET routing matches (YARP's routes); call after MapReverseProxy.</summary>
    public static void FollowRoutesOnFastPath(this WebApplication app, ProxyOptions options)
    {
        if (options.UseFastPath && !FastPathListener.Supported)
        {
            app.Logger.LogWarning("--fast-path on needs Linux (x64 or arm64); Kestrel and YARP serve every request here");
        }

        if (!options.FastPathServes()) return;
        app.Services.GetRequiredService<FastPathServices>().Follow(new CompositeEndpointDataSource(((IEndpointRouteBuilder)app).DataSources));
    }
}
