using Azure;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Storage.AzureStorage;

/// <summary>
/// The tree store on Azure Table storage (Azurite by default). Every record lives in one partition, so
/// that any set of records can be written in one entity-group transaction: all or nothing. Concurrent
/// commits of many grains are grouped into shared transactions by <see cref="TableCommitBatcher"/>.
/// </summary>
public sealed class AzureTableTreeStore : ITreeStore
{
    private const string Partition = "tree";
    private readonly TableClient _table;
    private readonly TableCommitBatcher _batcher;
    private readonly object _createLock = new();
    private Task? _created;

    public AzureTableTreeStore(string connectionString, string tableName)
        : this(connectionString, tableName, transport: null)
    {
    }

    /// <param name="transport">The HTTP transport (tests put faults into it); null for the SDK's own.</param>
    internal AzureTableTreeStore(string connectionString, string tableName, HttpPipelineTransport? transport)
    {
        var options = new TableClientOptions();
        // Transactions get a client of their own that never resends one whose outcome is unknown (see the policy).
        var transactionOptions = new TableClientOptions { RetryPolicy = new TransactionRetryPolicy() };
        if (transport is not null) (options.Transport, transactionOptions.Transport) = (transport, transport);
        _table = new TableServiceClient(connectionString, options).GetTableClient(tableName);
        _batcher = new TableCommitBatcher(new TableServiceClient(connectionString, transactionOptions).GetTableClient(tableName), Partition);
    }

    /// <summary>One entity-group transaction per commit: <see cref="TreeStoreLimits.AzureTable"/>.</summary>
    public TreeStoreLimits Limits => TreeStoreLimits.AzureTable;

    public async Task<StoredRecord?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync();
        try
        {
            var main = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, TableKeyEncoding.Encode(key), cancellationToken: cancellationToken);
            if (!main.HasValue || main.Value is null) return null;
            TableEntity? overflow = null;
            var hasOverflow = TableRecordCodec.StoredWithOverflow(main.Value);
            if (hasOverflow)
            {
                var response = await _table.GetEntityIfExistsAsync<TableEntity>(
                    Partition, TableKeyEncoding.Encode(TableRecordCodec.OverflowKey(key)), cancellationToken: cancellationToken);
                overflow = response.HasValue ? response.Value : null;
            }

            return new StoredRecord(key, TableRecordCodec.Value(main.Value, overflow),
                TableRecordCodec.Token(main.Value.ETag.ToString(), hasOverflow));
        }
        catch (RequestFailedException exception)
        {
            throw new TreeStoreException($"read of '{key}' failed: {exception.Status} {exception.ErrorCode}", exception);
        }
        catch (AggregateException exception)
        {
            // Azure.Core's retries ran out (storage unreachable): a storage failure like the others, not a bug.
            throw new TreeStoreException($"read of '{key}' failed: {exception.Message}", exception);
        }
    }

    public async Task<List<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync();
        var low = TableKeyEncoding.Encode(prefix);
        var high = low + TableKeyEncoding.UpperBound;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {low} and RowKey lt {high}");
        var keys = new List<string>();
        try
        {
            await foreach (var entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey"], cancellationToken: cancellationToken))
            {
                keys.Add(TableKeyEncoding.Decode(entity.RowKey));
            }
        }
        catch (RequestFailedException exception)
        {
            throw new TreeStoreException($"listing '{prefix}' failed: {exception.Status} {exception.ErrorCode}", exception);
        }
        catch (AggregateException exception)
        {
            throw new TreeStoreException($"listing '{prefix}' failed: {exception.Message}", exception);
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    public async Task<CommitResult> CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken = default)
    {
        if (writes.Count == 0) return CommitResult.Success(new Dictionary<string, string>());
        writes = CommitShape.Normalize(writes, Limits);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await EnsureTableAsync();
        }
        catch (TreeStoreException)
        {
            StoreMeter.RecordFailure(TableCommitBatcher.Profile, started);
            throw;
        }

        return await StoreMeter.MeasureAsync(TableCommitBatcher.Profile, _batcher.SubmitAsync(writes), started);
    }

    private async Task EnsureTableAsync()
    {
        try
        {
            Task created;
            lock (_createLock)
            {
                // A failed attempt (storage not up yet) is tried again by the next caller.
                if (_created is null || _created.IsFaulted || _created.IsCanceled) _created = _table.CreateIfNotExistsAsync();
                created = _created;
            }

            await created;
        }
        catch (RequestFailedException exception)
        {
            throw new TreeStoreException($"table '{_table.Name}' unavailable: {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is not TreeStoreException)
        {
            throw new TreeStoreException($"table storage unreachable: {exception.Message}", exception);
        }
    }
}
