using Npgsql;
using OrleansCoord.Grains.Storage;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Storage.Postgres;

/// <summary>
/// The tree store on PostgreSQL: one table per tree (key, value, version), conditional writes by version, and
/// group commit (<see cref="PostgresCommitBatcher"/>): concurrent commits of many grains share one transaction and
/// one WAL flush, and a failed condition fails only its own commit. Durable as the server is configured
/// (synchronous_commit and fsync on: an acknowledged commit is on disk).
/// </summary>
public sealed class PostgresTreeStore : ITreeStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresSchema _schema;
    private readonly PostgresCommitBatcher _batcher;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;

    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="tableName">The tree's table: lower-case letters, digits and '_', a letter first.</param>
    public PostgresTreeStore(string connectionString, string tableName)
    {
        _dataSource = NpgsqlDataSource.Create(WithoutConnectionReset(WithStatementPreparation(connectionString)));
        _schema = new PostgresSchema(tableName);
        _batcher = new PostgresCommitBatcher(_dataSource, _schema, EnsureSchemaAsync);
    }

    /// <summary>
    /// The connection string with Npgsql's automatic statement preparation on (<c>Max Auto Prepare=16</c>, after two uses)
    /// unless it says otherwise: the store sends the same few statements all the time (the commit function's call, a read,
    /// a listing, a single write's lock and its four statements, a small group's lock and a statement per shape of group:
    /// a create, a delete, a lease grant and release each have their own), and without preparation the
    /// server parses and plans each anew. One write at a time, a commit's p50 went from 3.2 to 1.8 ms (docs/BENCHMARKS.md,
    /// "Session 12"). A connection string that sets <c>Max Auto Prepare</c> (say 0, behind PgBouncer in transaction mode,
    /// which cannot keep prepared statements) is taken as it is.
    /// </summary>
    internal static string WithStatementPreparation(string connectionString)
    {
        if (Said(connectionString, "MaxAutoPrepare")) return connectionString;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.MaxAutoPrepare = 16;
        builder.AutoPrepareMinUsages = 2;
        return builder.ConnectionString;
    }

    /// <summary>
    /// The connection string with <c>No Reset On Close=true</c> unless it says otherwise: a pooled connection given back
    /// is otherwise reset with seven statements (<c>RESET ALL</c>, <c>SELECT pg_advisory_unlock_all()</c>, ...) that the
    /// server runs before the next commit or read on it, one set per commit at low load. The store leaves no session state
    /// to reset: no <c>SET</c>, no temporary tables, only transaction-scoped advisory locks.
    /// </summary>
    internal static string WithoutConnectionReset(string connectionString)
    {
        if (Said(connectionString, "NoResetOnClose")) return connectionString;
        return new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;
    }

    private static bool Said(string connectionString, string key) =>
        connectionString.Split(';').Select(part => part.Split('=', 2)[0].Replace(" ", "", StringComparison.Ordinal).Trim())
            .Any(said => said.Equals(key, StringComparison.OrdinalIgnoreCase));

    /// <summary>A table name PostgreSQL takes as it is, from the grid's tree name (CoordGridOptions.TableNameFor): names
    /// too long for an identifier with the suffixes of <see cref="PostgresSchema"/> keep their start and get a short hash.</summary>
    public static string TableNameFor(string treeName)
    {
        const int MaxLength = 54; // 63-byte identifiers, less "_version"
        var name = treeName.ToLowerInvariant();
        if (name.Length <= MaxLength) return name;
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(treeName)))[..8];
        return name[..(MaxLength - hash.Length)] + hash;
    }

    /// <summary>
    /// Any rows share a transaction, so only the server's resources bound a commit: the commit function takes one
    /// advisory lock per key for its transaction, and the server's shared lock table holds max_locks_per_transaction ×
    /// max_connections entries (6,400 with PostgreSQL's defaults), shared by every silo's group in flight: two commits
    /// of 3,072 records fit at once. Three records per op of a <see cref="ZNodeLimits.MaxMultiOps"/>-op multi (a node,
    /// its index row, its parent), as Azure's 96 are for 32. A commit larger than a group (512 writes) goes in a group
    /// of its own.
    /// </summary>
    public static readonly TreeStoreLimits DefaultLimits = new("PostgreSQL", 3 * ZNodeLimits.MaxMultiOps, ZNodeLimits.MaxMultiOps);

    public TreeStoreLimits Limits => DefaultLimits;

    public async Task<StoredRecord?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken);
        return await Translate($"read of '{key}'", async () =>
        {
            await using var command = _dataSource.CreateCommand($"SELECT value, version FROM {_schema.Table} WHERE key = $1");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) return null;
            return new StoredRecord(key, reader.GetFieldValue<byte[]>(0), reader.GetInt64(1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
    }

    public async Task<List<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken);
        return await Translate($"listing of '{prefix}'", async () =>
        {
            // LIKE with a literal prefix on a "C"-collated key is a range scan of the primary key.
            await using var command = _dataSource.CreateCommand($"SELECT key FROM {_schema.Table} WHERE key LIKE $1 ESCAPE '\\'");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EscapeLike(prefix) + "%" });
            var keys = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) keys.Add(reader.GetString(0));

            // The server orders by UTF-8 bytes, .NET's ordinal order is by UTF-16 units: they differ past U+FFFF.
            keys.Sort(StringComparer.Ordinal);
            return keys;
        });
    }

    /// <summary>Group transactions sent and the commits they carried, for tests and diagnostics.</summary>
    internal (long Groups, long Commits) GroupCommitStats => _batcher.Sent;

    public Task<CommitResult> CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken = default)
    {
        writes = CommitShape.Normalize(writes, Limits);
        cancellationToken.ThrowIfCancellationRequested();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        return StoreMeter.MeasureAsync(PostgresCommitBatcher.Profile, _batcher.EnqueueAsync(writes), started);
    }

    public async ValueTask DisposeAsync()
    {
        await _batcher.DisposeAsync();
        await _dataSource.DisposeAsync();
        _schemaLock.Dispose();
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady) return;
        await _schemaLock.WaitAsync(cancellationToken);
        try
        {
            if (_schemaReady) return;
            await Translate("creating the tree's table", async () =>
            {
                await _schema.EnsureAsync(_dataSource, cancellationToken);
                return true;
            });
            _schemaReady = true;
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    private static string EscapeLike(string prefix) => prefix.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    private static async Task<T> Translate<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            throw new TreeStoreException($"{what} failed: {exception.Message}", exception);
        }
    }
}
