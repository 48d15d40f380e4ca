using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Storage.Postgres;

/// <summary>
/// A small group (at most <see cref="MaxWrites"/> writes, no key written twice in the group) without the commit
/// function: the keys' advisory locks, then one statement that checks every write's condition and applies each commit's
/// writes only if all of that commit's conditions hold; both sent together in one round trip and one implicit
/// transaction.
/// </summary>
/// <remarks>
/// <para>Why: in the lock recipe PostgreSQL spent two thirds of its CPU inside PL/pgSQL (the call, its loop's
/// statements). A ZooKeeper create or delete commits two or three records (the znode, its parent, maybe an index row),
/// and so does every lease grant and release; at low load a group is one such commit, at moderate load a few.</para>
/// <para>Why it is safe: the locks are the function's (each key's hash, transaction-scoped), taken all in one statement
/// and in ascending hash order as the function takes them, so this transaction and any group of any silo (also one
/// running the function) exclude each other key by key and never wait on each other in a cycle. The statement after
/// the locks gets a fresh snapshot (READ COMMITTED), in which every earlier holder of these locks has committed and
/// no one else can change these keys until this transaction ends. Its check and its writes share that snapshot, so the
/// check sees exactly the rows the writes change; the writes do not see each other, which is why no key may repeat.
/// A commit whose condition fails writes nothing and reports its first failing write's key, as the function does.</para>
/// <para>Why a text per shape (the kinds of the writes, commit by commit) and not one text with the kinds as
/// parameters: that one (every write joined to the table, an anti-join for the failed commits, three data-modifying
/// parts and an aggregate) cost the server more CPU than the function's call (pgbench, a 2-record commit: 0.10–0.12 ms
/// against 0.064–0.114), most of it starting up its plan; a text per shape has only the lookups and the writes it
/// needs (0.061–0.071 ms). ADR 012.</para>
/// </remarks>
internal static class PostgresSmallGroup
{
    /// <summary>The most writes sent this way: the ZooKeeper create/delete and lease commits (2–3 records) and a few
    /// single writes grouped together. It bounds the shapes (texts) too.</summary>
    public const int MaxWrites = 4;

    /// <summary>Whether <paramref name="group"/> can go this way: 2 to <see cref="MaxWrites"/> writes, none of its commits
    /// empty, no key twice in the whole group (the statement's writes cannot see each other).</summary>
    public static bool Fits(IReadOnlyList<PendingCommit> group)
    {
        var count = 0;
        foreach (var pending in group)
        {
            if (pending.Writes.Count == 0) return false;
            count += pending.Writes.Count;
        }

        if (count is < 2 or > MaxWrites) return false;
        var keys = new HashSet<string>(count, StringComparer.Ordinal);
        foreach (var pending in group)
        {
            foreach (var write in pending.Writes)
            {
                if (!keys.Add(write.Key)) return false;
            }
        }

        return true;
    }

    /// <summary>Builds the batch for <paramref name="group"/> (which <see cref="Fits"/>); <paramref name="statements"/> caches
    /// the statement text per shape; <paramref name="expectedVersion"/> gives a write's expected version, -1 for any.</summary>
    public static NpgsqlBatch Create(NpgsqlDataSource dataSource, PostgresSchema schema, ConcurrentDictionary<string, string> statements,
        IReadOnlyList<PendingCommit> group, Func<RecordWrite, long> expectedVersion)
    {
        var writes = group.SelectMany((pending, commit) => pending.Writes.Select(write => (Commit: commit, Write: write))).ToList();
        var batch = dataSource.CreateBatch();

        // The function's own lock statement, so that the order is the same: distinct hashes, ascending.
        var locks = new NpgsqlBatchCommand(
            "SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY 1) AS locks");
        locks.Parameters.Add(new NpgsqlParameter { Value = writes.Select(w => w.Write.Key).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        batch.BatchCommands.Add(locks);

        var shape = Shape(writes);
        var statement = new NpgsqlBatchCommand(statements.GetOrAdd(shape, _ => Statement(schema, writes)));
        foreach (var (_, write) in writes)
        {
            statement.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Key });
            statement.Parameters.Add(new NpgsqlParameter { Value = write.Value ?? [], NpgsqlDbType = NpgsqlDbType.Bytea });
            statement.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion(write) });
        }

        batch.BatchCommands.Add(statement);
        return batch;
    }

    /// <summary>
    /// Reads the statement's one row (each write's condition, then each write's new version) and completes the group's
    /// commits once the transaction has committed (when the reader is closed: an error at commit throws there). A failed
    /// commit names its first failing write's key, as the function does; a delete's version is 0, a touch's the current
    /// one. A write that should have applied and shows no version would be a broken invariant: its commit fails with
    /// <see cref="TreeStoreException"/> (outcome unknown).
    /// </summary>
    public static async Task CompleteAsync(IReadOnlyList<PendingCommit> group, NpgsqlDataReader reader)
    {
        var count = group.Sum(p => p.Writes.Count);
        if (!await reader.ReadAsync()) throw new TreeStoreException("the small group's statement returned no row");
        var (holds, versions) = (new bool[count], new long?[count]);
        for (var i = 0; i < count; i++)
        {
            holds[i] = reader.GetBoolean(i);
            versions[i] = reader.IsDBNull(count + i) ? null : reader.GetInt64(count + i);
        }

        await reader.CloseAsync();
        var at = 0;
        foreach (var pending in group)
        {
            var (first, writes) = (at, pending.Writes);
            at += writes.Count;
            var failed = Enumerable.Range(first, writes.Count).FirstOrDefault(i => !holds[i], -1);
            if (failed >= 0)
            {
                pending.Result.TrySetResult(CommitResult.Conflict(writes[failed - first].Key));
                continue;
            }

            if (Enumerable.Range(first, writes.Count).Any(i => versions[i] is null))
            {
                pending.Result.TrySetException(new TreeStoreException("the small group's statement applied a commit only in part"));
                continue;
            }

            var tokens = new Dictionary<string, string>(writes.Count, StringComparer.Ordinal);
            for (var i = 0; i < writes.Count; i++)
            {
                if (writes[i].Kind != RecordWriteKind.Delete) tokens[writes[i].Key] = versions[first + i]!.Value.ToString(CultureInfo.InvariantCulture);
            }

            pending.Result.TrySetResult(CommitResult.Success(tokens));
        }
    }

    /// <summary>The kinds of the writes, commit by commit ("IR|T": an insert and a replace, then a touch): one statement
    /// text each. A workload uses a few (a create, a delete, a lease grant and release).</summary>
    internal static string Shape(IReadOnlyList<(int Commit, RecordWrite Write)> writes)
    {
        var shape = new StringBuilder(writes.Count * 2);
        for (var i = 0; i < writes.Count; i++)
        {
            if (i > 0 && writes[i].Commit != writes[i - 1].Commit) shape.Append('|');
            shape.Append(writes[i].Write.Kind switch
            {
                RecordWriteKind.Insert => 'I',
                RecordWriteKind.Replace => 'R',
                RecordWriteKind.Delete => 'D',
                RecordWriteKind.Touch => 'T',
                var kind => throw new ArgumentOutOfRangeException(nameof(writes), kind, "unknown write kind"),
            });
        }

        return shape.ToString();
    }

    /// <summary>
    /// The statement for one shape, in parameters of three per write (key, value, expected version; unused ones unread).
    /// <c>cur</c> reads each key's version once (one index lookup each); write <c>j</c>'s condition <c>h<i>j</i></c> is
    /// computed from it exactly as the function does (insert: no row; replace and delete: the row, at the expected version
    /// unless -1; touch: the row), and each write is applied only if every condition of its own commit holds. The writes
    /// are data-modifying parts that run to completion whatever the final query reads; it returns every condition, then
    /// every new version.
    /// </summary>
    internal static string Statement(PostgresSchema schema, IReadOnlyList<(int Commit, RecordWrite Write)> writes)
    {
        string Key(int j) => $"${3 * j + 1}";
        string Value(int j) => $"${3 * j + 2}";
        string Token(int j) => $"${3 * j + 3}";
        string Holds(int j) => writes[j].Write.Kind switch
        {
            RecordWriteKind.Insert => $"cur.v{j} IS NULL",
            RecordWriteKind.Touch => $"cur.v{j} IS NOT NULL",
            _ => $"(cur.v{j} IS NOT NULL AND ({Token(j)}::bigint < 0 OR cur.v{j} = {Token(j)}::bigint))",
        };
        string Gate(int j) => string.Join(" AND ", Enumerable.Range(0, writes.Count).Where(i => writes[i].Commit == writes[j].Commit).Select(Holds));

        var parts = new List<string>
        {
            "cur AS (SELECT " + string.Join(", ", Enumerable.Range(0, writes.Count).Select(j =>
                $"(SELECT version FROM {schema.Table} WHERE key = {Key(j)}::text) AS v{j}")) + ")",
        };
        var versions = new List<string>();
        for (var j = 0; j < writes.Count; j++)
        {
            switch (writes[j].Write.Kind)
            {
                case RecordWriteKind.Insert:
                    parts.Add($"w{j} AS (INSERT INTO {schema.Table} (key, value, version) SELECT {Key(j)}::text, {Value(j)}::bytea, nextval('{schema.Sequence}') FROM cur WHERE {Gate(j)} RETURNING version)");
                    versions.Add($"(SELECT version FROM w{j})");
                    break;
                case RecordWriteKind.Replace:
                    parts.Add($"w{j} AS (UPDATE {schema.Table} SET value = {Value(j)}::bytea, version = nextval('{schema.Sequence}') WHERE key = {Key(j)}::text AND (SELECT {Gate(j)} FROM cur) RETURNING version)");
                    versions.Add($"(SELECT version FROM w{j})");
                    break;
                case RecordWriteKind.Delete:
                    parts.Add($"w{j} AS (DELETE FROM {schema.Table} WHERE key = {Key(j)}::text AND (SELECT {Gate(j)} FROM cur) RETURNING 0::bigint AS version)");
                    versions.Add($"(SELECT version FROM w{j})");
                    break;
                default:
                    versions.Add($"cur.v{j}");
                    break;
            }
        }

        return $"WITH {string.Join(",\n", parts)}\nSELECT {string.Join(", ", Enumerable.Range(0, writes.Count).Select(Holds))}, {string.Join(", ", versions)} FROM cur";
    }
}
