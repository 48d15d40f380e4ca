using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using OrleansCoord.Proxy.Admin;
using OrleansCoord.Proxy.Configuration;
using OrleansCoord.Proxy.FastPath;
using OrleansCoord.Proxy.Forwarding;
using OrleansCoord.Proxy.Health;
using OrleansCoord.Proxy.LoadBalancing;
using OrleansCoord.Proxy.Observability;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Transforms;

namespace OrleansCoord.Proxy.Hosting;

/// <summary>Registers YARP with the grid as its configuration source, the balancing policies and health.</summary>
internal static class ProxyServiceExtensions
{
    public static IServiceCollection AddGridProxy(this IServiceCollection services, ProxyOptions options, X509Certificate2? httpsCertificate = null)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IRandomSource, SharedRandomSource>();

        services.AddSingleton<GridConfigProvider>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<GridConfigProvider>());
        services.AddSingleton<YarpConfigBuilder>();
        services.AddSingleton(new SnapshotFile(options.SnapshotPath));
        services.AddHostedService<GridWatcher>();
        services.AddSingleton<StatusPublisher>();
        services.AddHostedService<HealthChangeLog>();
        if (options.StopWithStandardInput) services.AddHostedService<StandardInputWatch>();

        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<ClientConnections>();
        services.AddSingleton(_ => new AccessLog(Console.Out));
        services.AddSingleton<RequestObserver>();

        services.AddReverseProxy().AddTransforms(transforms => transforms.AddResponseTransform(UnrequestedSwitchTransform.ApplyAsync));
        services.AddSingleton<IForwarderHttpClientFactory, UpstreamHttpClientFactory>();
        // Registered by the names the grid's cluster settings use (BalancingPolicyNames).
        services.AddSingleton<ILoadBalancingPolicy, RoundRobinPolicy>();
        services.AddSingleton<ILoadBalancingPolicy, SmoothWeightedRoundRobinPolicy>();
        services.AddSingleton<ILoadBalancingPolicy, LeastRequestsPolicy>();
        services.AddSingleton<ILoadBalancingPolicy, PowerOfTwoChoicesPolicy>();
        services.AddSingleton<ILoadBalancingPolicy, RandomPolicy>();
        services.AddSingleton<ILoadBalancingPolicy, ConsistentHashPolicy>();
        services.AddSingleton<IPassiveHealthCheckPolicy, MaxFailsPolicy>();

        services.AddFastPath(options, httpsCertificate);
        return services;
    }
}
