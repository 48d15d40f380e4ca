using Microsoft.AspNetCore.Connections;

namespace OrleansCoord.Proxy.FastPath.Handoff;

internal static class HandoffServiceExtensions
{
    /// <summary>
    /// Registers <see cref="FastPathHandoff"/> (a singleton) as the Kestrel transport for <see cref="HandoffEndPoint"/>.
    /// Kestrel's socket transport keeps serving every other endpoint.
    /// </summary>
    public static IServiceCollection AddFastPathHandoff(this IServiceCollection services)
    {
        if (services.Any(service => service.ServiceType == typeof(FastPathHandoff))) return services;
        services.AddSingleton<FastPathHandoff>();
        services.AddSingleton<IConnectionListenerFactory>(provider => provider.GetRequiredService<FastPathHandoff>());
        return services;
    }
}
