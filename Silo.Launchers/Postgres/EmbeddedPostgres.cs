using Npgsql;

namespace OrleansCoord.Silo.Launchers.Postgres;

/// <summary>
/// The PostgreSQL a developer's silo uses when no connection string is given: 127.0.0.1:5432, database, user and
/// password all <c>orleanscoord</c>. An explicit connection string is used as it is and nothing is started.
/// </summary>
internal static class EmbeddedPostgres
{
    public const int Port = 5432;
    public const string Database = "orleanscoord";
    public const string User = "orleanscoord";

    // A password on loopback only: a development server, like Azurite's well-known account key.
    public const string Password = "orleanscoord";

    public static readonly string ConnectionString =
        $"Host=127.0.0.1;Port={Port};Username={User};Password={Password};Database={Database}";

    /// <summary>True when <paramref name="connectionString"/> is the default one (the silo may start the server).</summary>
    public static bool IsEmbedded(string connectionString) => string.Equals(connectionString, ConnectionString, StringComparison.Ordinal);

    /// <summary>The same server's maintenance database, where the grid's database is created when missing.</summary>
    public static string MaintenanceConnectionString => new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres" }.ConnectionString;
}
