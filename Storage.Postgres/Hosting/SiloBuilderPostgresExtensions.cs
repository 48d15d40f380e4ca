using Microsoft.Extensions.DependencyInjection;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Storage.Postgres.Hosting;

/// <summary>Puts a silo's tree and its Orleans clustering on one PostgreSQL database.</summary>
public static class SiloBuilderPostgresExtensions
{
    /// <summary>
    /// The tree store (<see cref="PostgresTreeStore"/> on <paramref name="tableName"/>) and Orleans' ADO.NET clustering,
    /// both on <paramref name="connectionString"/>. The clustering tables must exist before the silo starts:
    /// <see cref="Clustering.PostgresClusteringSchema.EnsureAsync"/> makes them.
    /// </summary>
    /// <remarks>Registered with <c>AddSingleton</c>, not <c>TryAdd</c>: it wins over the grid's own default store
    /// whichever is added first.</remarks>
    public static ISiloBuilder UsePostgresStorage(this ISiloBuilder silo, string connectionString, string tableName)
    {
        silo.Services.AddSingleton<ITreeStore>(_ => new PostgresTreeStore(connectionString, PostgresTreeStore.TableNameFor(tableName)));
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = connectionString;
        });
        return silo;
    }
}
