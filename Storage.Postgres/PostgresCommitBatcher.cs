using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Storage.Postgres;

/// <summary>
/// Group commit: commits queued by many grains go to PostgreSQL together, as one call of the tree's commit function
/// in one transaction, so one WAL flush acknowledges the whole group. A failed condition fails only its own commit.
/// </summary>
/// <remarks>
/// One group is in flight at a time: while it waits for its flush, the next group gathers, so groups grow with the
/// load. A group that fails for any reason other than a condition (connection lost, server gone) fails every commit
/// in it with <see cref="TreeStoreException"/>: the transaction may or may not have committed. Small groups skip the
/// function: one commit of one write (<see cref="PostgresSingleWrite"/>), and up to <see cref="PostgresSmallGroup.MaxWrites"/>
/// writes of distinct keys (<see cref="PostgresSmallGroup"/>): at low load every group is one commit, mostly of 1–3 writes.
/// </remarks>
internal sealed class PostgresCommitBatcher : IAsyncDisposable
{
    private const int MaxWritesPerGroup = 512;
    private const int MaxBytesPerGroup = 16 * 1024 * 1024;

    /// <summary>The store profile's name in the metrics.</summary>
    public const string Profile = "Postgres";

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresSchema _schema;
    private readonly Func<CancellationToken, Task> _ensureSchema;
    private readonly Channel<PendingCommit> _queue = Channel.CreateUnbounded<PendingCommit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, string> _smallGroupStatements = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private PendingCommit? _carried;
    private long _groups;
    private long _commits;

    public PostgresCommitBatcher(NpgsqlDataSource dataSource, PostgresSchema schema, Func<CancellationToken, Task> ensureSchema)
    {
        (_dataSource, _schema, _ensureSchema) = (dataSource, schema, ensureSchema);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Groups sent and commits they carried so far (whatever their outcome): how well commits are grouped.</summary>
    public (long Groups, long Commits) Sent => (Interlocked.Read(ref _groups), Interlocked.Read(ref _commits));

    public Task<CommitResult> EnqueueAsync(IReadOnlyList<RecordWrite> writes)
    {
        var pending = new PendingCommit(writes);
        if (!_queue.Writer.TryWrite(pending)) throw new TreeStoreException("the tree store is shut down");
        return pending.Result.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        while (_carried is not null || await _queue.Reader.WaitToReadAsync())
        {
            var group = TakeGroup();
            Interlocked.Increment(ref _groups);
            Interlocked.Add(ref _commits, group.Count);
            StoreMeter.RecordBatch(Profile, group.Count);
            try
            {
                await _ensureSchema(CancellationToken.None);
                await ApplyAsync(group);
            }
            catch (Exception exception)
            {
                // Anything (connection lost, server gone, a timeout) fails the group and never the loop: the next group
                // gets a new connection from the pool.
                var failure = new TreeStoreException($"group commit of {group.Count} commit(s) failed: {exception.Message}", exception);
                foreach (var pending in group) pending.Result.TrySetException(failure);
            }
        }
    }

    private List<PendingCommit> TakeGroup()
    {
        var group = new List<PendingCommit>();
        int writes = 0, bytes = 0;
        while (_carried is not null || _queue.Reader.TryRead(out _carried))
        {
            var next = _carried!;
            if (group.Count > 0 && (writes + next.Writes.Count > MaxWritesPerGroup || bytes + next.Size > MaxBytesPerGroup)) break;
            group.Add(next);
            (writes, bytes, _carried) = (writes + next.Writes.Count, bytes + next.Size, null);
        }

        return group;
    }

    /// <summary>Sends <paramref name="group"/> by the cheapest way that fits it and completes its commits. Internal for
    /// tests, which send a group exactly as they made it.</summary>
    internal async Task ApplyAsync(List<PendingCommit> group)
    {
        if (group is [{ Writes.Count: 1 } single])
        {
            await ApplySingleWriteAsync(single);
            return;
        }

        if (PostgresSmallGroup.Fits(group))
        {
            await using var batch = PostgresSmallGroup.Create(_dataSource, _schema, _smallGroupStatements, group, ExpectedVersion);
            await using var smallReader = await batch.ExecuteReaderAsync();
            await smallReader.NextResultAsync(); // past the locks' rows
            await PostgresSmallGroup.CompleteAsync(group, smallReader);
            return;
        }

        var count = group.Sum(p => p.Writes.Count);
        var (commits, kinds, keys, values, tokens) = (new int[count], new int[count], new string[count], new byte[count][], new long[count]);
        var at = 0;
        for (var c = 0; c < group.Count; c++)
        {
            foreach (var write in group[c].Writes)
            {
                (commits[at], kinds[at], keys[at], values[at], tokens[at]) = (c, (int)write.Kind, write.Key, write.Value ?? [], ExpectedVersion(write));
                at++;
            }
        }

        await using var command = _dataSource.CreateCommand($"SELECT commit_no, conflict, versions FROM {_schema.CommitFunction}($1, $2, $3, $4, $5)");
        command.Parameters.Add(new NpgsqlParameter { Value = commits, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = kinds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = keys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter { Value = tokens, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });

        // One autocommit statement: one round trip, one transaction. Its results count only once it has committed, which
        // is when the reader is closed (the server commits, then says it is ready); an error at commit throws there.
        var rows = new List<(int Commit, string? Conflict, long[]? Versions)>(group.Count);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<long[]>(2)));
            }
        }

        foreach (var (commit, conflict, versions) in rows) group[commit].Result.TrySetResult(Result(group[commit].Writes, conflict, versions));
        foreach (var pending in group) pending.Result.TrySetException(new TreeStoreException("the commit function returned no row for a commit"));
    }

    private async Task ApplySingleWriteAsync(PendingCommit pending)
    {
        var write = pending.Writes[0];
        await using var batch = PostgresSingleWrite.Create(_dataSource, _schema, write, ExpectedVersion(write));
        long? version = null;
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            await reader.NextResultAsync(); // past the lock's row
            if (await reader.ReadAsync()) version = reader.GetInt64(0);
            await reader.CloseAsync(); // the commit: an error there throws here
        }

        pending.Result.TrySetResult(version is { } v ? Result(pending.Writes, null, [v]) : CommitResult.Conflict(write.Key));
    }

    private static CommitResult Result(IReadOnlyList<RecordWrite> writes, string? conflict, long[]? versions)
    {
        if (conflict is not null) return CommitResult.Conflict(conflict);
        var tokens = new Dictionary<string, string>(writes.Count, StringComparer.Ordinal);
        for (var i = 0; i < writes.Count; i++)
        {
            if (writes[i].Kind != RecordWriteKind.Delete) tokens[writes[i].Key] = versions![i].ToString(CultureInfo.InvariantCulture);
        }

        return CommitResult.Success(tokens);
    }

    // "*" (any) is -1; a token this store never handed out (say, an Azure ETag) can match no version: 0.
    private static long ExpectedVersion(RecordWrite write) =>
        write.Token == "*" ? -1 : long.TryParse(write.Token, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0;
}
