using System.Net;
using Microsoft.Extensions.Logging.Console;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Silo.Launchers.Azurite;
using OrleansCoord.Silo.Launchers.Processes;
using OrleansCoord.Silo.Tls;

namespace OrleansCoord.Silo.Hosting;

/// <summary>Turns a web application into an OrleansCoord silo.</summary>
public static class WebApplicationBuilderCoordSiloExtensions
{
    /// <summary>
    /// Adds, in this order: Azurite start-up (when the storage is the local Azurite), the Orleans silo with
    /// its endpoints, storage, streams, the grid and (unless switched off) the dashboard, the HTTP port, and quiet console logging.
    /// </summary>
    /// <remarks>The order matters: hosted services start in registration order, so Azurite is up before the silo.</remarks>
    public static WebApplicationBuilder AddCoordSilo(this WebApplicationBuilder builder, SiloHostOptions options)
    {
        AzuriteHostedService.AddIfNeeded(builder.Services, options);
        PostgresHostedService.AddIfNeeded(builder.Services, options);
        SiloReadiness.Add(builder.Services);

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.Cluster.ClusterId;
                cluster.ServiceId = options.Cluster.ServiceId;
            });
            silo.Configure<EndpointOptions>(endpoints =>
            {
                // Loopback unless told otherwise: a developer's grid should not be reachable from the network.
                endpoints.AdvertisedIPAddress = options.Endpoints.AdvertisedIp is { } ip ? IPAddress.Parse(ip) : IPAddress.Loopback;
                endpoints.SiloPort = options.Endpoints.SiloPort;
                endpoints.GatewayPort = options.Endpoints.GatewayPort;
            });
            if (options.Tls.Grid) silo.UseGridTls(); // Tls/: the certificate files, read and checked at start
            silo.UseCoordStorage(options);
            silo.AddCoordGrid(grid =>
            {
                grid.Profile = options.Storage.Profile;
                grid.ConnectionString = options.Storage.ConnectionString;
                grid.GrainDirectory = options.Cluster.GrainDirectory;
                grid.SuperDigest = options.Cluster.SuperDigest;
                grid.CredentialLifetime = TimeSpan.FromSeconds(options.Cluster.CredentialLifetimeSeconds);
                grid.TableName = CoordGridOptions.TableNameFor(options.Cluster.ServiceId);
            });
            if (options.Dashboard == DashboardMode.On) silo.AddDashboard();
        });

        // Loopback unless --http-listen says otherwise, and then TLS and credentials (AdminAccess/, docs/adr/016).
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.ApplicationServices.GetRequiredService<AdminAccess.AdminPortGuard>().Listen(kestrel, options.Endpoints.HttpPort));

        // One line per event; the levels (Orleans and Microsoft at Warning) come from appsettings.json.
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
            console.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        return builder;
    }
}
