using Azure;
using Azure.Data.Tables;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Storage.AzureStorage;

/// <summary>
/// Group commit: queues the commits of many grains and sends as many as fit (100 entities, no record
/// twice, a few MiB) in one entity-group transaction, with a few transactions in flight. When the
/// transaction fails on one commit's condition, that commit gets its conflict and the others are sent again.
/// Commits that touch the same row (ephemeral creates and lock grants of one session touch its fence) share one
/// touch action, so one busy session's commits batch like many sessions' do.
/// </summary>
internal sealed class TableCommitBatcher(TableClient table, string partition)
{
    private const int MaxEntities = 100;
    private const int MaxBytes = 2 * 1024 * 1024;
    private const int MaxInFlight = 3;

    private readonly object _lock = new();
    private readonly LinkedList<PendingCommit> _queue = new();
    private int _inFlight;

    /// <summary>The store profile's name in the metrics.</summary>
    public const string Profile = "AzureStorage";

    public Task<CommitResult> SubmitAsync(IReadOnlyList<RecordWrite> writes)
    {
        var pending = new PendingCommit(writes, TableActions.For(partition, writes));
        lock (_lock)
        {
            _queue.AddLast(pending);
            StartBatches();
        }

        return pending.Completion.Task;
    }

    private void StartBatches()
    {
        while (_inFlight < MaxInFlight && _queue.Count > 0)
        {
            var batch = TakeBatch();
            StoreMeter.RecordBatch(Profile, batch.Count);
            _inFlight++;
            _ = Task.Run(() => SendAsync(batch));
        }
    }

    private List<PendingCommit> TakeBatch()
    {
        var batch = new List<PendingCommit>();
        var written = new HashSet<string>(StringComparer.Ordinal);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        int entities = 0, bytes = 0;
        for (var node = _queue.First; node is not null;)
        {
            var commit = node.Value;
            var next = node.Next;
            // A row is written by one commit of a transaction at most (Azure's rule); a touch only asserts that the
            // row exists, so commits touching the same row (one session's fence) share one touch action.
            var added = commit.Written.Count + commit.Touched.Count(row => !touched.Contains(row));
            var fits = batch.Count == 0
                || (entities + added <= MaxEntities && bytes + commit.Bytes <= MaxBytes
                    && !commit.Written.Overlaps(written) && !commit.Written.Overlaps(touched) && !commit.Touched.Overlaps(written));
            if (fits)
            {
                batch.Add(commit);
                written.UnionWith(commit.Written);
                touched.UnionWith(commit.Touched);
                entities += added;
                bytes += commit.Bytes;
                _queue.Remove(node);
            }
            else if (entities >= MaxEntities - 1 || bytes >= MaxBytes)
            {
                break;
            }

            node = next;
        }

        return batch;
    }

    private async Task SendAsync(List<PendingCommit> batch)
    {
        var retry = new List<PendingCommit>();
        try
        {
            var actions = new List<TableTransactionAction>();
            var sharedTouches = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var commit in batch) commit.Place(actions, sharedTouches);
            var response = await table.SubmitTransactionAsync(actions);
            foreach (var commit in batch) commit.Complete(response.Value);
        }
        catch (TableTransactionFailedException exception) when (exception.FailedTransactionActionIndex is { } index
            && batch.Where(c => c.Holds(index)).ToList() is { Count: > 0 } failed)
        {
            // Every commit holding the failed action fails (a shared touch: the session ended for all of them).
            var action = failed[0].ActionAt(index);
            foreach (var commit in failed)
            {
                if (exception.Status is 404 or 409 or 412)
                {
                    commit.Completion.TrySetResult(CommitResult.Conflict(action.Key));
                }
                else
                {
                    commit.Completion.TrySetException(new TreeStoreException(
                        $"storage refused the write of '{action.Key}': {exception.Status} {exception.ErrorCode}", exception));
                }
            }

            retry.AddRange(batch.Except(failed));
        }
        catch (Exception exception)
        {
            var error = new TreeStoreException($"commit failed: {(exception as RequestFailedException)?.Status} {exception.Message}", exception);
            foreach (var commit in batch) commit.Completion.TrySetException(error);
        }
        finally
        {
            lock (_lock)
            {
                // Commits sent again keep their place at the head of the queue.
                for (var i = retry.Count - 1; i >= 0; i--) _queue.AddFirst(retry[i]);
                _inFlight--;
                StartBatches();
            }
        }
    }

    private sealed class PendingCommit(IReadOnlyList<RecordWrite> writes, List<TableActions.Action> actions)
    {
        private int[] _positions = [];

        public List<TableActions.Action> Actions { get; } = actions;

        /// <summary>Rows this commit inserts, replaces or deletes.</summary>
        public HashSet<string> Written { get; } = actions.Where(a => !IsTouch(a)).Select(a => a.Value.Entity.RowKey).ToHashSet(StringComparer.Ordinal);

        /// <summary>Rows this commit only asserts exist.</summary>
        public HashSet<string> Touched { get; } = actions.Where(IsTouch).Select(a => a.Value.Entity.RowKey).ToHashSet(StringComparer.Ordinal);

        public int Bytes { get; } = writes.Sum(w => w.Size);

        public TaskCompletionSource<CommitResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Adds this commit's actions to a transaction, reusing a touch of the same row already in it.</summary>
        public void Place(List<TableTransactionAction> transaction, Dictionary<string, int> sharedTouches)
        {
            _positions = new int[Actions.Count];
            for (var i = 0; i < Actions.Count; i++)
            {
                var action = Actions[i];
                if (IsTouch(action) && sharedTouches.TryGetValue(action.Value.Entity.RowKey, out var shared))
                {
                    _positions[i] = shared;
                    continue;
                }

                if (IsTouch(action)) sharedTouches[action.Value.Entity.RowKey] = transaction.Count;
                _positions[i] = transaction.Count;
                transaction.Add(action.Value);
            }
        }

        public bool Holds(int index) => Array.IndexOf(_positions, index) >= 0;

        public TableActions.Action ActionAt(int index) => Actions[Array.IndexOf(_positions, index)];

        public void Complete(IReadOnlyList<Response> responses)
        {
            var tokens = new Dictionary<string, string>(writes.Count, StringComparer.Ordinal);
            for (var i = 0; i < Actions.Count; i++)
            {
                var action = Actions[i];
                if (action.IsMain && action.Write.Kind != RecordWriteKind.Delete)
                {
                    var etag = responses[_positions[i]].Headers.ETag?.ToString() ?? string.Empty;
                    var overflow = action.Write.Kind == RecordWriteKind.Touch
                        ? false
                        : TableRecordCodec.NeedsOverflow(action.Write.Value ?? []);
                    tokens[action.Key] = TableRecordCodec.Token(etag, overflow);
                }
            }

            Completion.TrySetResult(CommitResult.Success(tokens));
        }

        private static bool IsTouch(TableActions.Action action) => action.IsMain && action.Write.Kind == RecordWriteKind.Touch;
    }
}
