using Orleans;
using OpenTelemetry.Metrics;

namespace OrleansCoord.Silo.Metrics;

/// <summary>
/// <c>/metrics</c> in Prometheus' text format on the silo's HTTP port (issue 23, item 5): Orleans' own meter
/// (<c>Microsoft.Orleans</c>: grain calls, activations, messaging, membership) and the grid's (<see cref="GridCallMeter"/>;
/// sessions opened and ended, Grains/Sessions/SessionMeter),
/// through OpenTelemetry's Prometheus exporter, a well-kept library rather than a text writer of our own.
/// </summary>
public static class SiloMetricsExtensions
{
    /// <summary>Registers the meters, the exporter and the grid's call filter.</summary>
    public static WebApplicationBuilder AddCoordMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Microsoft.Orleans", GridCallMeter.MeterName, "OrleansCoord.Grid.Sessions", "OrleansCoord.Grid.Store", "OrleansCoord.Grid.Watches", "OrleansCoord.Grid.Recipes",
                OrleansCoord.ZooKeeper.Server.ZooKeeperServerMetrics.MeterName)
            .AddPrometheusExporter());
        builder.Services.AddSingleton<IIncomingGrainCallFilter, GridCallMeter>();
        return builder;
    }

    /// <summary>Serves the scrape at <c>/metrics</c>.</summary>
    public static WebApplication MapCoordMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
