using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Storage.AzureStorage.Hosting;

namespace OrleansCoord.Grains.Tests.Fixtures;

/// <summary>Silos of a test cluster with the grid on the in-memory store (one store per cluster).</summary>
public sealed class MemoryGridConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddCoordGrid(Tune);
        AddWatchStreams(siloBuilder);
        siloBuilder.Configure<SiloMessagingOptions>(messaging => messaging.ResponseTimeout = TimeSpan.FromSeconds(10));
        siloBuilder.Services.AddOptions<CoordGridOptions>().Configure<IOptions<ClusterOptions>>((grid, cluster) =>
        {
            grid.Profile = StorageProfile.Memory;
            grid.MemoryStoreName = cluster.Value.ClusterId;
        });
    }

    /// <summary>Watch delivery as the silo host configures it (pushed by default; Azure queue streams to the shards).</summary>
    public static void AddWatchStreams(ISiloBuilder siloBuilder, WatchStreamKind kind = WatchStreamKind.Memory)
    {
        siloBuilder.AddMemoryGrainStorage("PubSubStore");
        if (kind == WatchStreamKind.AzureQueue) siloBuilder.AddAzureQueueWatchStreams(Azurite.ConnectionString);
        else siloBuilder.AddCoordWatchStreams();
    }

    /// <summary>Short periods so that tests of expiry and recovery finish quickly.</summary>
    public static void Tune(CoordGridOptions options)
    {
        options.SweepPeriod = TimeSpan.FromMilliseconds(500);
        options.InDoubtTimeout = TimeSpan.FromSeconds(2);
        // A subscriber falls behind after fewer events, so that a test can make it happen in seconds.
        options.WatchQueueLimit = WatchQueueLimit;
        options.SuperDigest = OrleansCoord.Acls.Acl.Digest(SuperUserPassword);
    }

    /// <summary>What a watch shard queues for one subscriber at most in the test grids.</summary>
    public const int WatchQueueLimit = 1_000;

    /// <summary>The <c>user:password</c> whose digest the test grids take as their superuser.</summary>
    public const string SuperUserPassword = "super:test-super-secret";
}

/// <summary>Silos of a test cluster with the grid on Azure Table storage (Azurite), one table per cluster.</summary>
public sealed class AzuriteGridConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddCoordGrid(MemoryGridConfigurator.Tune);
        siloBuilder.AddAzureTableTreeStore();
        MemoryGridConfigurator.AddWatchStreams(siloBuilder);
        siloBuilder.Services.AddOptions<CoordGridOptions>().Configure<IOptions<ClusterOptions>>((grid, cluster) =>
        {
            grid.Profile = StorageProfile.AzureStorage;
            grid.ConnectionString = Azurite.ConnectionString;
            grid.TableName = Azurite.TableNameFor(cluster.Value.ServiceId);
        });
    }
}

/// <summary>Silos of a test cluster with the tree in memory and watch events on Azure queues (Azurite).</summary>
public sealed class AzureQueueWatchGridConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddCoordGrid(MemoryGridConfigurator.Tune);
        MemoryGridConfigurator.AddWatchStreams(siloBuilder, WatchStreamKind.AzureQueue);
        siloBuilder.Configure<SiloMessagingOptions>(messaging => messaging.ResponseTimeout = TimeSpan.FromSeconds(10));
        siloBuilder.Services.AddOptions<CoordGridOptions>().Configure<IOptions<ClusterOptions>>((grid, cluster) =>
        {
            grid.Profile = StorageProfile.Memory;
            grid.MemoryStoreName = cluster.Value.ClusterId;
        });
    }
}
