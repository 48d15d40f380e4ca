using Npgsql;

namespace OrleansCoord.Storage.Postgres.Clustering;

/// <summary>
/// The tables and stored queries Orleans' ADO.NET clustering (Microsoft.Orleans.Clustering.AdoNet) reads and writes,
/// created when missing. The package ships no scripts; this DDL is written here from Orleans' documented contract:
/// the query keys it loads from <c>OrleansQuery</c>, the parameter names it binds and the column names it reads.
/// </summary>
/// <remarks>
/// Applied at every silo start, under an advisory lock (silos may start together): tables only when missing, the
/// query texts always (so a changed text reaches an existing database). Version checks are single statements (CTEs)
/// rather than functions: a membership change bumps the version row only if the change applies, in one statement.
/// </remarks>
public static class PostgresClusteringSchema
{
    private static readonly string[] Tables =
    [
        "SELECT pg_advisory_xact_lock(hashtextextended('orleanscoord clustering schema', 0))",
        "CREATE TABLE IF NOT EXISTS OrleansQuery (QueryKey varchar(64) PRIMARY KEY, QueryText text NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable (
            DeploymentId varchar(150) PRIMARY KEY,
            Timestamp timestamptz(3) NOT NULL DEFAULT now(),
            Version integer NOT NULL DEFAULT 0)
        """,
        """
        CREATE TABLE IF NOT EXISTS OrleansMembershipTable (
            DeploymentId varchar(150) NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
            Address varchar(45) NOT NULL,
            Port integer NOT NULL,
            Generation integer NOT NULL,
            SiloName varchar(150) NOT NULL,
            HostName varchar(150) NOT NULL,
            Status integer NOT NULL,
            ProxyPort integer NULL,
            SuspectTimes varchar(8000) NULL,
            StartTime timestamptz(3) NOT NULL,
            IAmAliveTime timestamptz(3) NOT NULL,
            PRIMARY KEY (DeploymentId, Address, Port, Generation))
        """,
    ];

    /// <summary>Creates the clustering tables when missing and stores the current query texts.</summary>
    /// <exception cref="NpgsqlException">The database cannot be reached or refused the DDL.</exception>
    public static async Task EnsureAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var statement in Tables)
        {
            await using var command = new NpgsqlCommand(statement, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var (key, text) in PostgresClusteringQueries.All)
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ($1, $2) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText",
                connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = text });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
