using Orleans.TestingHost;
using OrleansCoord.Client;

namespace OrleansCoord.Robustness.Tests.Cluster;

/// <summary>Starts a TestCluster running the grid; memory unless a storage connection string is given.</summary>
public static class GridCluster
{
    /// <param name="connectionString">Azure Storage (Azurite) for the tree; null for the in-memory store.</param>
    /// <param name="sweepPeriod">How often silos sweep for expired sessions, TTL and container nodes.</param>
    /// <param name="configure">More configurators for the cluster, applied before the grid's.</param>
    public static async Task<TestCluster> StartAsync(short silos, string? connectionString = null, TimeSpan? sweepPeriod = null,
        Action<TestClusterBuilder>? configure = null)
    {
        var builder = new TestClusterBuilder(silos);
        var id = "rb" + Guid.NewGuid().ToString("N")[..16];
        builder.Options.ClusterId = id;
        builder.Options.ServiceId = id;
        // Extra configurators go first: the grid only adds what is not registered yet (its store, for one).
        configure?.Invoke(builder);
        builder.AddGridSilos(new GridSiloSettings
        {
            TreeConnectionString = connectionString,
            TableName = connectionString is null ? null : TableName(id),
            SweepPeriod = sweepPeriod ?? TimeSpan.FromMilliseconds(500),
        });
        builder.AddClientBuilderConfigurator<GridClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>The table that holds the tree of a cluster on Azure storage.</summary>
    public static string TableName(TestCluster cluster) => TableName(cluster.Options.ServiceId);

    private static string TableName(string serviceId) => "t" + serviceId;

    /// <summary>Opens a session through the cluster's client.</summary>
    public static Task<CoordClient> ConnectAsync(this TestCluster cluster, TimeSpan? sessionTimeout = null) =>
        CoordClient.ConnectAsync(cluster.Client, sessionTimeout ?? TimeSpan.FromSeconds(10));

    public static async Task StopAsync(TestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }
}
