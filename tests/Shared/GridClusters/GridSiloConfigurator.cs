using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Storage.AzureStorage.Hosting;

namespace OrleansCoord.Tests.Shared;

/// <summary>What the silos of a test cluster run the grid on, and the short periods that let tests of expiry and
/// recovery finish in seconds.</summary>
public sealed record GridSiloSettings
{
    /// <summary>Azure Table storage (Azurite) for the tree; null for the in-memory store (one store per cluster).</summary>
    public string? TreeConnectionString { get; init; }

    /// <summary>The table of the tree when <see cref="TreeConnectionString"/> is set.</summary>
    public string? TableName { get; init; }

    /// <summary>Azure storage whose queues carry the watch events; null for the grid's own watch delivery.</summary>
    public string? WatchQueueConnectionString { get; init; }

    /// <summary>How often silos sweep for expired sessions, TTL and container nodes.</summary>
    public TimeSpan SweepPeriod { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>What a watch shard queues for one subscriber at most; null for the grid's default.</summary>
    public int? WatchQueueLimit { get; init; }

    /// <summary>The <c>user:password</c> whose digest the grid takes as its superuser; null for none.</summary>
    public string? SuperUserPassword { get; init; }

    /// <summary>How long a silo waits for a grain call's response; null for Orleans' default (30 s).</summary>
    public TimeSpan? SiloResponseTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Silos of a test cluster running the grid as <see cref="GridSiloSettings"/> say. Orleans makes configurators by type,
/// so the settings travel as the cluster's properties: <see cref="GridClusterBuilderExtensions.AddGridSilos"/> puts them there.
/// </summary>
public sealed class GridSiloConfigurator : ISiloConfigurator
{
    public const string ConnectionStringKey = "Coord:ConnectionString";
    public const string TableNameKey = "Coord:TableName";
    public const string WatchQueueConnectionStringKey = "Coord:WatchQueueConnectionString";
    public const string SweepPeriodMsKey = "Coord:SweepPeriodMs";
    public const string WatchQueueLimitKey = "Coord:WatchQueueLimit";
    public const string SuperUserPasswordKey = "Coord:SuperUserPassword";
    public const string SiloResponseTimeoutMsKey = "Coord:SiloResponseTimeoutMs";

    public void Configure(ISiloBuilder siloBuilder)
    {
        var settings = siloBuilder.Configuration;
        var connectionString = settings[ConnectionStringKey];
        var sweepMs = Milliseconds(settings[SweepPeriodMsKey]) ?? 500;
        var watchQueueLimit = settings[WatchQueueLimitKey];
        var superUserPassword = settings[SuperUserPasswordKey];

        siloBuilder.AddCoordGrid(grid =>
        {
            grid.SweepPeriod = TimeSpan.FromMilliseconds(sweepMs);
            grid.InDoubtTimeout = TimeSpan.FromSeconds(2);
            // A smaller limit lets a test make a subscriber fall behind in seconds.
            if (watchQueueLimit is not null) grid.WatchQueueLimit = int.Parse(watchQueueLimit, CultureInfo.InvariantCulture);
            if (superUserPassword is not null) grid.SuperDigest = OrleansCoord.Acls.Acl.Digest(superUserPassword);
        });
        // Only registers the store's factory for the AzureStorage profile: harmless on the in-memory store.
        siloBuilder.AddAzureTableTreeStore();

        // Watch delivery as the silo host configures it (pushed by default; Azure queue streams to the shards).
        siloBuilder.AddMemoryGrainStorage("PubSubStore");
        if (settings[WatchQueueConnectionStringKey] is { } watchQueues) siloBuilder.AddAzureQueueWatchStreams(watchQueues);
        else siloBuilder.AddCoordWatchStreams();

        if (Milliseconds(settings[SiloResponseTimeoutMsKey]) is { } responseMs)
            siloBuilder.Configure<SiloMessagingOptions>(messaging => messaging.ResponseTimeout = TimeSpan.FromMilliseconds(responseMs));

        siloBuilder.Services.AddOptions<CoordGridOptions>().Configure<IOptions<ClusterOptions>>((grid, cluster) =>
        {
            if (connectionString is null)
            {
                grid.Profile = StorageProfile.Memory;
                grid.MemoryStoreName = cluster.Value.ClusterId;
            }
            else
            {
                grid.Profile = StorageProfile.AzureStorage;
                grid.ConnectionString = connectionString;
                grid.TableName = settings[TableNameKey] ?? throw new InvalidOperationException("no table name");
            }
        });
    }

    private static int? Milliseconds(string? value) => value is null ? null : int.Parse(value, CultureInfo.InvariantCulture);
}

/// <summary>The test client: watch resync triggers, and requests to a killed silo fail after seconds, not the default 30 s.</summary>
public sealed class GridClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
    {
        clientBuilder.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(8));
        OrleansCoord.Client.ClientBuilderCoordExtensions.AddCoordWatches(clientBuilder);
    }
}

public static class GridClusterBuilderExtensions
{
    /// <summary>Puts <paramref name="settings"/> into the cluster's properties and adds <see cref="GridSiloConfigurator"/>.</summary>
    public static TestClusterBuilder AddGridSilos(this TestClusterBuilder builder, GridSiloSettings settings)
    {
        static string? Ms(TimeSpan? span) => span is { } s ? ((int)s.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : null;
        Put(builder, GridSiloConfigurator.ConnectionStringKey, settings.TreeConnectionString);
        Put(builder, GridSiloConfigurator.TableNameKey, settings.TableName);
        Put(builder, GridSiloConfigurator.WatchQueueConnectionStringKey, settings.WatchQueueConnectionString);
        Put(builder, GridSiloConfigurator.SweepPeriodMsKey, Ms(settings.SweepPeriod));
        Put(builder, GridSiloConfigurator.WatchQueueLimitKey, settings.WatchQueueLimit?.ToString(CultureInfo.InvariantCulture));
        Put(builder, GridSiloConfigurator.SuperUserPasswordKey, settings.SuperUserPassword);
        Put(builder, GridSiloConfigurator.SiloResponseTimeoutMsKey, Ms(settings.SiloResponseTimeout));
        builder.AddSiloBuilderConfigurator<GridSiloConfigurator>();
        return builder;
    }

    private static void Put(TestClusterBuilder builder, string key, string? value)
    {
        if (value is not null) builder.Properties[key] = value;
    }
}
