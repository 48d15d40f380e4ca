using System.Text.RegularExpressions;
using Npgsql;

namespace OrleansCoord.Storage.Postgres;

/// <summary>
/// The tables of one tree in PostgreSQL: the records, the sequence their tokens come from, and the function that
/// applies a group of commits in one transaction. Created on first use; safe when several silos start at once.
/// </summary>
/// <remarks>
/// <c>key</c> is <c>COLLATE "C"</c> so that the primary key's btree is in byte order and a prefix listing is a range
/// scan. A token is the record's <c>version</c>, a number from one sequence per tree: never reused, so a record
/// deleted and created again never shows a token it had before.
/// </remarks>
internal sealed partial class PostgresSchema
{
    public PostgresSchema(string tableName)
    {
        // The name goes into SQL text (identifiers cannot be parameters): only what needs no quoting.
        if (!SafeName().IsMatch(tableName)) throw new ArgumentException($"'{tableName}' is not a lower-case SQL identifier", nameof(tableName));
        Table = tableName;
    }

    public string Table { get; }

    public string Sequence => Table + "_version";

    public string CommitFunction => Table + "_commit";

    /// <summary>Creates what is missing, under an advisory lock so that concurrent silos do not race on the catalog.</summary>
    public async Task EnsureAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One statement per command: the function's body holds semicolons that must not split it.
        foreach (var statement in Statements())
        {
            await using var command = new NpgsqlCommand(statement, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private string[] Statements() =>
    [
        "SELECT pg_advisory_xact_lock(hashtextextended('orleanscoord schema', 0))",
        $"CREATE TABLE IF NOT EXISTS {Table} (key text COLLATE \"C\" PRIMARY KEY, value bytea NOT NULL, version bigint NOT NULL)",
        $"CREATE SEQUENCE IF NOT EXISTS {Sequence}",
        PostgresCommitFunction.Create(this),
    ];

    [GeneratedRegex("^[a-z][a-z0-9_]{0,53}$")]
    private static partial Regex SafeName();
}
