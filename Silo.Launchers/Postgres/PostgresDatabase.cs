using Npgsql;

namespace OrleansCoord.Silo.Launchers.Postgres;

/// <summary>The grid's database on the default server: created when missing.</summary>
internal static class PostgresDatabase
{
    private const string InvalidCatalogName = "3D000";
    private const string DuplicateDatabase = "42P04";

    /// <summary>Connects to the grid's database, creating it first if the server has none.</summary>
    /// <exception cref="NpgsqlException">The server refused (still starting, wrong credentials, …).</exception>
    public static async Task EnsureAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(EmbeddedPostgres.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            return;
        }
        catch (PostgresException exception) when (exception.SqlState == InvalidCatalogName)
        {
            // No database yet: make it below.
        }

        await using var maintenance = new NpgsqlConnection(EmbeddedPostgres.MaintenanceConnectionString);
        await maintenance.OpenAsync(cancellationToken);
        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {EmbeddedPostgres.Database}", maintenance);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == DuplicateDatabase)
        {
            // Another silo made it at the same time.
        }
    }
}
