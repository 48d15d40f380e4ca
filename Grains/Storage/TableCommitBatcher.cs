using Azure;
using Azure.Data.Tables;

namespace OrleansCoord.Grains.Storage;

/// <summary>
/// Group commit: queues the commits of many grains and sends as many as fit (100 entities, no record
/// twice, a few MiB) in one entity-group transaction, with a few transactions in flight. When the
/// transaction fails on one commit's condition, that commit gets its conflict and the others are sent again.
/// </summary>
internal sealed class TableCommitBatcher(TableClient table, string partition)
{
    private const int MaxEntities = 100;
    private const int MaxBytes = 2 * 1024 * 1024;
    private const int MaxInFlight = 3;

    private readonly object _lock = new();
    private readonly LinkedList<PendingCommit> _queue = new();
    private int _inFlight;

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
            _inFlight++;
            _ = Task.Run(() => SendAsync(batch));
        }
    }

    private List<PendingCommit> TakeBatch()
    {
        var batch = new List<PendingCommit>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        int entities = 0, bytes = 0;
        for (var node = _queue.First; node is not null;)
        {
            var commit = node.Value;
            var next = node.Next;
            var fits = batch.Count == 0
                || (entities + commit.Actions.Count <= MaxEntities && bytes + commit.Bytes <= MaxBytes && !commit.RowKeys.Any(keys.Contains));
            if (fits)
            {
                batch.Add(commit);
                keys.UnionWith(commit.RowKeys);
                entities += commit.Actions.Count;
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
            var actions = batch.SelectMany(c => c.Actions.Select(a => a.Value)).ToList();
            var response = await table.SubmitTransactionAsync(actions);
            var offset = 0;
            foreach (var commit in batch)
            {
                commit.Complete(response.Value, offset);
                offset += commit.Actions.Count;
            }
        }
        catch (TableTransactionFailedException exception) when (exception.FailedTransactionActionIndex is { } index && Locate(batch, index) is var (failed, action))
        {
            if (exception.Status is 404 or 409 or 412)
            {
                failed.Completion.TrySetResult(CommitResult.Conflict(action.Key));
            }
            else
            {
                failed.Completion.TrySetException(new TreeStoreException(
                    $"storage refused the write of '{action.Key}': {exception.Status} {exception.ErrorCode}", exception));
            }

            retry.AddRange(batch.Where(c => c != failed));
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

    private static (PendingCommit, TableActions.Action)? Locate(List<PendingCommit> batch, int index)
    {
        foreach (var commit in batch)
        {
            if (index < commit.Actions.Count) return (commit, commit.Actions[index]);
            index -= commit.Actions.Count;
        }

        return null;
    }

    private sealed class PendingCommit(IReadOnlyList<RecordWrite> writes, List<TableActions.Action> actions)
    {
        public List<TableActions.Action> Actions { get; } = actions;

        public HashSet<string> RowKeys { get; } = actions.Select(a => a.Value.Entity.RowKey).ToHashSet(StringComparer.Ordinal);

        public int Bytes { get; } = writes.Sum(w => w.Size);

        public TaskCompletionSource<CommitResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(IReadOnlyList<Response> responses, int offset)
        {
            var tokens = new Dictionary<string, string>(writes.Count, StringComparer.Ordinal);
            for (var i = 0; i < Actions.Count; i++)
            {
                var action = Actions[i];
                if (action.IsMain && action.Write.Kind != RecordWriteKind.Delete)
                {
                    var etag = responses[offset + i].Headers.ETag?.ToString() ?? string.Empty;
                    var overflow = action.Write.Kind == RecordWriteKind.Touch
                        ? false
                        : TableRecordCodec.NeedsOverflow(action.Write.Value ?? []);
                    tokens[action.Key] = TableRecordCodec.Token(etag, overflow);
                }
            }

            Completion.TrySetResult(CommitResult.Success(tokens));
        }
    }
}
