using OrleansCoord.Silo.Hosting;

namespace OrleansCoord.Silo.ProxyStart;

/// <summary>Registers <see cref="ProxyLauncher"/> when <c>--proxy-port</c> is not 0.</summary>
public static class WebApplicationBuilderProxyChildExtensions
{
    /// <summary>Adds the proxy's start and stop to the host (nothing when <c>Proxy:Port</c> is 0).</summary>
    public static WebApplicationBuilder AddProxyChild(this WebApplicationBuilder builder, SiloHostOptions options)
    {
        // After Orleans' hosted service: stopped before it, so the proxy closes its session while the grid is there.
        if (options.Proxy.Port != 0)
        {
            builder.Services.AddHostedService(sp => new ProxyLauncher(options, sp.GetRequiredService<IHostApplicationLifetime>(),
                sp.GetRequiredService<ILogger<ProxyLauncher>>()));
        }

        return builder;
    }
}
