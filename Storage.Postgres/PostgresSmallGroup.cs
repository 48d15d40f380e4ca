using System.Text;
using Npgsql;
using NpgsqlTypes;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Storage.Postgres;

/// <summary>
/// A small group (at most <see cref="MaxWrites"/> writes, no key written twice in the group) without the commit
/// function: the keys' advisory locks, then one statement that checks every write's condition and applies each commit's
/// writes only if all of that commit's conditions hold; both sent together in one round trip and one implicit
/// transaction. It returns one row per commit, shaped as the function's (commit number, failed key, new versions).
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
/// </remarks>
internal static class PostgresSmallGroup
{
    /// <summary>The most writes sent this way: the ZooKeeper create/delete and lease commits (2–3 records) and a few
    /// single writes grouped together. One statement text per count, each prepared once per connection.</summary>
    public const int MaxWrites = 4;

    private const int ParametersPerWrite = 5;

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

    /// <summary>Builds the batch for <paramref name="group"/> (which <see cref="Fits"/>) from <see cref="Statements"/>;
    /// <paramref name="expectedVersion"/> gives a write's expected version, -1 for any.</summary>
    public static NpgsqlBatch Create(NpgsqlDataSource dataSource, string[] statements, IReadOnlyList<PendingCommit> group, Func<RecordWrite, long> expectedVersion)
    {
        var writes = group.SelectMany((pending, commit) => pending.Writes.Select(write => (Commit: commit, Write: write))).ToList();
        var batch = dataSource.CreateBatch();

        // The function's own lock statement, so that the order is the same: distinct hashes, ascending.
        var locks = new NpgsqlBatchCommand(
            "SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY 1) AS locks");
        locks.Parameters.Add(new NpgsqlParameter { Value = writes.Select(w => w.Write.Key).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        batch.BatchCommands.Add(locks);

        var statement = new NpgsqlBatchCommand(statements[writes.Count]);
        foreach (var (commit, write) in writes)
        {
            statement.Parameters.Add(new NpgsqlParameter<int> { TypedValue = commit });
            statement.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)write.Kind });
            statement.Parameters.Add(new NpgsqlParameter<string> { TypedValue = write.Key });
            statement.Parameters.Add(new NpgsqlParameter { Value = write.Value ?? [], NpgsqlDbType = NpgsqlDbType.Bytea });
            statement.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expectedVersion(write) });
        }

        batch.BatchCommands.Add(statement);
        return batch;
    }

    /// <summary>The statement texts by number of writes (2 to <see cref="MaxWrites"/>), built once per store.</summary>
    public static string[] Statements(PostgresSchema schema) =>
        [.. Enumerable.Range(0, MaxWrites + 1).Select(n => n < 2 ? "" : Statement(schema, n))];

    /// <summary>
    /// The statement for <paramref name="count"/> writes, in parameters of five per write (commit number, kind as in the
    /// function: 0 insert, 1 replace, 2 delete, 3 touch; key, value, expected version). <c>chk</c> reads every key once;
    /// <c>ok</c> keeps the writes of commits none of whose conditions failed; the three data-modifying parts apply those
    /// (they run to completion whatever the final query reads). A delete's version is 0, a touch's the current one; a
    /// write that should have applied and did not shows as NULL, which the caller treats as a broken invariant.
    /// </summary>
    internal static string Statement(PostgresSchema schema, int count)
    {
        var rows = new StringBuilder();
        for (var r = 0; r < count; r++)
        {
            var p = r * ParametersPerWrite;
            rows.Append(r == 0
                ? $"(${p + 1}::int, {r}, ${p + 2}::int, ${p + 3}::text, ${p + 4}::bytea, ${p + 5}::bigint)"
                : $", (${p + 1}, {r}, ${p + 2}, ${p + 3}, ${p + 4}, ${p + 5})");
        }

        return $"""
            WITH w (c, i, kind, key, val, tok) AS (VALUES {rows}),
            chk AS (
              SELECT w.c, w.i, w.kind, w.key, w.val, r.version AS cur,
                     CASE w.kind WHEN 0 THEN r.version IS NOT NULL
                                 WHEN 3 THEN r.version IS NULL
                                 ELSE r.version IS NULL OR (w.tok >= 0 AND r.version <> w.tok) END AS failed
                FROM w LEFT JOIN {schema.Table} AS r ON r.key = w.key),
            ok AS (SELECT * FROM chk WHERE NOT EXISTS (SELECT 1 FROM chk AS f WHERE f.c = chk.c AND f.failed)),
            ins AS (INSERT INTO {schema.Table} (key, value, version)
                      SELECT key, val, nextval('{schema.Sequence}') FROM ok WHERE kind = 0 RETURNING key, version),
            upd AS (UPDATE {schema.Table} AS r SET value = ok.val, version = nextval('{schema.Sequence}')
                      FROM ok WHERE ok.kind = 1 AND r.key = ok.key RETURNING r.key, r.version),
            del AS (DELETE FROM {schema.Table} AS r USING ok WHERE ok.kind = 2 AND r.key = ok.key RETURNING r.key)
            SELECT chk.c,
                   (array_agg(chk.key ORDER BY chk.i) FILTER (WHERE chk.failed))[1],
                   CASE WHEN bool_or(chk.failed) THEN NULL
                        ELSE array_agg(CASE chk.kind WHEN 0 THEN ins.version WHEN 1 THEN upd.version
                                                     WHEN 2 THEN CASE WHEN del.key IS NOT NULL THEN 0::bigint END
                                                     ELSE chk.cur END ORDER BY chk.i) END
              FROM chk LEFT JOIN ins ON ins.key = chk.key LEFT JOIN upd ON upd.key = chk.key LEFT JOIN del ON del.key = chk.key
             GROUP BY chk.c
            """;
    }
}
