using Orleans.TestingHost;
using OrleansCoord.Client;

namespace OrleansCoord.Robustness.Tests.Cluster;

/// <summary>Three in-process silos (Orleans TestCluster) on the run's Azurite, each with a <see cref="FaultyTreeStore"/>.</summary>
public sealed class TestClusterGrid(TestCluster cluster) : IChaosGrid
{
    public TestCluster Cluster => cluster;

    public string ClusterId => cluster.Options.ClusterId;

    public string TableName => GridCluster.TableName(cluster);

    public static async Task<TestClusterGrid> StartAsync(AzuriteProcess azurite) =>
        new(await GridCluster.StartAsync(3, azurite.ConnectionString,
            configure: builder => builder.AddSiloBuilderConfigurator<FaultyStoreConfigurator>()));

    public Task<CoordClient> ConnectAsync(TimeSpan? sessionTimeout = null) => cluster.ConnectAsync(sessionTimeout);

    public Task StopAsync() => GridCluster.StopAsync(cluster);
}
