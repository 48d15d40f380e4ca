using Orleans.Dashboard;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Silo.Hosting;

/// <summary>The silo's HTTP front ends and its run loop.</summary>
public static partial class WebApplicationCoordSiloExtensions
{
    /// <summary>Exit code when the silo could not start (storage unreachable, port taken, …).</summary>
    public const int StartFailedExitCode = 1;

    /// <summary>
    /// <c>GET /healthz</c>: 200 <c>ok</c> while the silo is active, 503 while it starts or stops, and 503 with the finding
    /// once it found its store older than what the grid had committed (it then refuses every znode request: a load
    /// balancer or supervisor must not count it as serving).
    /// </summary>
    public static WebApplication MapHealthz(this WebApplication app)
    {
        app.MapGet("/healthz", (SiloReadiness readiness, StorageRegressionGuard regression) =>
            regression.Finding is { } finding
                ? Results.Text($"storage went back in time: {finding}", statusCode: StatusCodes.Status503ServiceUnavailable)
                : readiness.IsActive
                    ? Results.Text("ok")
                    : Results.Text("unavailable", statusCode: StatusCodes.Status503ServiceUnavailable));
        return app;
    }

    /// <summary>The Orleans dashboard (silos, grains, calls) under <c>/dashboard</c>, unless <c>--dashboard off</c>.</summary>
    public static WebApplication MapDashboard(this WebApplication app, SiloHostOptions options)
    {
        if (options.Dashboard == DashboardMode.On) app.MapOrleansDashboard(routePrefix: "/dashboard");
        return app;
    }

    /// <summary>
    /// Runs until SIGTERM or Ctrl-C, then stops gracefully (the silo leaves the cluster, an Azurite it started
    /// is stopped). A failure to start is one error line and exit code 1, not a stack trace.
    /// </summary>
    public static async Task<int> RunCoordSiloAsync(this WebApplication app, SiloHostOptions options)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansCoord.Silo");
        var http = app.Services.GetRequiredService<AdminAccess.AdminPortGuard>();
        app.Lifetime.ApplicationStarted.Register(() => LogStarted(logger, options.Cluster.ClusterId, options.Storage.Profile.ToString(),
            options.Endpoints.SiloPort, options.Endpoints.GatewayPort,
            $"{http.Scheme}://{http.Host}:{options.Endpoints.HttpPort}/{(options.Dashboard == DashboardMode.On ? "dashboard" : "healthz")}"));
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception exception) when (exception.GetBaseException() is Launchers.Postgres.PostgresNotInstalledException)
        {
            // Like a bad flag: the user must install something or say where the database is.
            Console.Error.WriteLine($"orleanscoord-silo: {exception.GetBaseException().Message}");
            return SiloHostConfiguration.UsageExitCode;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogStartFailed(logger, exception);
            Console.Error.WriteLine($"orleanscoord-silo: failed: {exception.GetBaseException().Message}");
            return StartFailedExitCode;
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Silo active in cluster {ClusterId} ({Profile}): silo port {SiloPort}, gateway {GatewayPort}, {HttpUrl}")]
    private static partial void LogStarted(ILogger logger, string clusterId, string profile, int siloPort, int gatewayPort, string httpUrl);

    // Debug: the details are for whoever turns logging up; the console gets the one-line message above.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Silo failed")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);
}
