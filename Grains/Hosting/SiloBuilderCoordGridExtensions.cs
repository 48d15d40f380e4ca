using Microsoft.Extensions.DependencyInjection;

namespace OrleansCoord.Grains.Hosting;

public static class SiloBuilderCoordGridExtensions
{
    /// <summary>
    /// Adds the coordination grid to a silo: the tree store for the chosen profile, the revision clock
    /// and the sweeper. Clustering, streams and the dashboard are the host's business.
    /// </summary>
    public static ISiloBuilder AddCoordGrid(this ISiloBuilder builder, Action<CoordGridOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<CoordGridOptions>();
        if (configure is not null) options.Configure(configure);
        return builder;
    }
}
