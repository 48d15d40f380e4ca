using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Storage.AzureStorage.Hosting;

namespace OrleansCoord.Robustness.Tests.Cluster;

/// <summary>
/// Silos of a robustness cluster: the grid on memory or on Azure Table storage, as <see cref="GridCluster"/>
/// put it in the cluster's properties (configurators are made by type, so settings travel as configuration).
/// </summary>
public sealed class GridSiloConfigurator : ISiloConfigurator
{
    public const string ConnectionStringKey = "Coord:ConnectionString";
    public const string TableNameKey = "Coord:TableName";
    public const string SweepPeriodMsKey = "Coord:SweepPeriodMs";

    public void Configure(ISiloBuilder siloBuilder)
    {
        var settings = siloBuilder.Configuration;
        var connectionString = settings[ConnectionStringKey];
        var sweepMs = int.Parse(settings[SweepPeriodMsKey] ?? "500", System.Globalization.CultureInfo.InvariantCulture);

        siloBuilder.AddCoordGrid(grid =>
        {
            grid.SweepPeriod = TimeSpan.FromMilliseconds(sweepMs);
            grid.InDoubtTimeout = TimeSpan.FromSeconds(2);
        });
        siloBuilder.AddAzureTableTreeStore();
        siloBuilder.AddMemoryGrainStorage("PubSubStore");
        siloBuilder.AddCoordWatchStreams();
        siloBuilder.Configure<SiloMessagingOptions>(messaging => messaging.ResponseTimeout = TimeSpan.FromSeconds(10));
        siloBuilder.Services.AddOptions<CoordGridOptions>().Configure<Microsoft.Extensions.Options.IOptions<ClusterOptions>>((grid, cluster) =>
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
}

/// <summary>The test client: watch resync triggers, and requests to a dead silo fail after seconds, not 30.</summary>
public sealed class GridClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
    {
        clientBuilder.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(8));
        OrleansCoord.Client.ClientBuilderCoordExtensions.AddCoordWatches(clientBuilder);
    }
}
