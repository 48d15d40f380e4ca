using Orleans.TestingHost;

namespace OrleansCoord.Grains.Tests.Fixtures;

/// <summary>A two-silo test cluster with the tree on a PostgreSQL of the fixture's own, started before the cluster and
/// stopped after it.</summary>
public sealed class PostgresClusterFixture : ClusterFixture
{
    private TestPostgres? _server;

    protected override short Silos => 2;

    /// <summary>The server's connection string, for tests that read the store under the grains.</summary>
    public string ConnectionString => (_server ?? throw new InvalidOperationException("not started")).ConnectionString;

    public override async ValueTask InitializeAsync()
    {
        _server = await TestPostgres.StartAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureGrid(TestClusterBuilder builder)
    {
        builder.Properties[PostgresStoreConfigurator.ConnectionStringKey] = _server!.ConnectionString;
        // The grid's silos keep Orleans' default response timeout here, as they always have; the store goes over it.
        builder.AddGridSilos(TestGrid.InMemory with { SiloResponseTimeout = null });
        builder.AddSiloBuilderConfigurator<PostgresStoreConfigurator>();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}
