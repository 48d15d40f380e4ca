using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Storage.Postgres;

namespace OrleansCoord.Grains.Tests.Fixtures;

/// <summary>Puts the tree of the grid's silos (<see cref="GridSiloConfigurator"/>, added before this) on PostgreSQL
/// (<see cref="PostgresClusterFixture"/>'s server). Clustering stays the test cluster's own: this checks the tree store
/// under the grains, not Orleans' ADO.NET clustering.</summary>
public sealed class PostgresStoreConfigurator : ISiloConfigurator
{
    /// <summary>The test cluster property that carries the server's connection string to the silos.</summary>
    public const string ConnectionStringKey = "PostgresConnectionString";

    public void Configure(ISiloBuilder siloBuilder)
    {
        var connectionString = siloBuilder.Configuration[ConnectionStringKey]
            ?? throw new InvalidOperationException($"the test cluster has no {ConnectionStringKey} property");
        siloBuilder.Services.AddSingleton<ITreeStore>(_ => new PostgresTreeStore(connectionString, "coordtree"));
        siloBuilder.Services.AddOptions<CoordGridOptions>().Configure(grid => grid.Profile = StorageProfile.Postgres);
    }
}
