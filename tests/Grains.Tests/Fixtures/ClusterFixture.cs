using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansCoord.Client;

namespace OrleansCoord.Grains.Tests.Fixtures;

/// <summary>A three-silo test cluster running the grid on the in-memory store, shared by a test class.</summary>
public class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    protected virtual short Silos => 3;

    public virtual async ValueTask InitializeAsync()
    {
        var builder = new TestClusterBuilder(Silos);
        ConfigureGrid(builder);
        builder.AddClientBuilderConfigurator<GridClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Chooses the grid's storage for the cluster's silos.</summary>
    protected virtual void ConfigureGrid(TestClusterBuilder builder) => builder.AddGridSilos(TestGrid.InMemory);

    /// <summary>Opens a session through the cluster's client.</summary>
    public Task<CoordClient> ConnectAsync(TimeSpan? sessionTimeout = null) =>
        CoordClient.ConnectAsync(Cluster.Client, sessionTimeout ?? TimeSpan.FromSeconds(10));

    public virtual async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A test cluster that keeps something in Azurite under a fresh service id (its table, its queues).</summary>
public abstract class AzuriteBackedClusterFixture : ClusterFixture
{
    public override ValueTask InitializeAsync()
    {
        Azurite.Require();
        return base.InitializeAsync();
    }

    protected override void ConfigureGrid(TestClusterBuilder builder)
    {
        builder.Options.ServiceId = "svc" + Guid.NewGuid().ToString("N")[..16];
        builder.AddGridSilos(Grid(builder.Options.ServiceId));
    }

    /// <summary>The grid of the cluster whose service id is <paramref name="serviceId"/>.</summary>
    protected abstract GridSiloSettings Grid(string serviceId);
}

/// <summary>A two-silo test cluster with the tree on Azurite, one table per fixture.</summary>
public sealed class AzuriteClusterFixture : AzuriteBackedClusterFixture
{
    protected override short Silos => 2;

    protected override GridSiloSettings Grid(string serviceId) => TestGrid.OnAzurite(serviceId);
}

/// <summary>A three-silo test cluster whose watch events travel on Azure queues (Azurite).</summary>
public sealed class AzureQueueWatchClusterFixture : AzuriteBackedClusterFixture
{
    protected override GridSiloSettings Grid(string serviceId) => TestGrid.WithAzureQueueWatches;
}

/// <summary>A three-silo cluster on the in-memory store whose gateways listen on TCP, so that the SDK's own connection
/// (<see cref="CoordClient.ConnectAsync(CoordClientOptions, CancellationToken)"/>) reaches them.</summary>
public sealed class TcpClusterFixture : ClusterFixture
{
    protected override void ConfigureGrid(TestClusterBuilder builder)
    {
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        base.ConfigureGrid(builder);
    }

    /// <summary>Options for an SDK client of this cluster's gateways on <paramref name="silos"/>.</summary>
    public CoordClientOptions ClientOptions(IEnumerable<SiloHandle> silos) => new()
    {
        Servers = [.. silos.Select(silo => $"127.0.0.1:{silo.GatewayAddress.Endpoint.Port}")],
        ClusterId = Cluster.Options.ClusterId,
        ServiceId = Cluster.Options.ServiceId,
    };
}

/// <summary>One silo: what a silo knows by itself (its own commits) is then what the whole grid knows.</summary>
public sealed class SingleSiloClusterFixture : ClusterFixture
{
    protected override short Silos => 1;
}
