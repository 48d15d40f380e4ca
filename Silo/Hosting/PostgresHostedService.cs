using Microsoft.Extensions.Logging;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Silo.Launchers.Postgres;
using OrleansCoord.Storage.Postgres.Clustering;

namespace OrleansCoord.Silo.Hosting;

/// <summary>
/// Before the silo starts (registered ahead of Orleans: hosted services start in registration order and stop in
/// reverse): the default PostgreSQL when no connection string was given, then Orleans' clustering tables. After the
/// silo has left the cluster: stops a server it started.
/// </summary>
internal sealed class PostgresHostedService(SiloHostOptions options, PostgresLauncher? launcher) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (launcher is not null) await launcher.EnsureRunningAsync(cancellationToken);
        try
        {
            await PostgresClusteringSchema.EnsureAsync(options.Storage.ConnectionString, cancellationToken);
        }
        catch (Npgsql.NpgsqlException exception)
        {
            throw new PostgresLaunchException($"PostgreSQL: cannot prepare the clustering tables: {exception.Message}", exception);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => launcher?.StopAsync() ?? Task.CompletedTask;

    /// <summary>Registers the service for the Postgres profile; the launcher only for the default connection string.</summary>
    public static void AddIfNeeded(IServiceCollection services, SiloHostOptions options)
    {
        if (options.Storage.Profile != StorageProfile.Postgres) return;
        var embedded = EmbeddedPostgres.IsEmbedded(options.Storage.ConnectionString);
        services.AddHostedService(sp => new PostgresHostedService(options, embedded
            ? new PostgresLauncher(Path.GetFullPath(options.Storage.PostgresDir), sp.GetRequiredService<ILogger<PostgresLauncher>>())
            : null));
    }
}
