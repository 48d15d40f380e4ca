using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// The write pipeline: writes queue up while a commit is in flight and the next batch takes them all,
/// checks each against the state so far and makes one storage commit of the znode's record, the
/// records of created children and the deletes prepared by deleted children. Group commit per znode.
/// </summary>
/// <remarks>This file takes the writes in and pumps the queue into batches; a batch is decided and committed in
/// ZNodeGrain.BatchCommit.cs, its children's deletes prepared in ZNodeGrain.ChildDeletes.cs, its events and failures
/// made in ZNodeGrain.BatchOutcome.cs, and it is finished in ZNodeGrain.Finishing.cs.</remarks>
internal sealed partial class ZNodeGrain
{
    /// <summary>Most records of one batch's commit: Azure Table's bound on every store. Larger batches on a store that
    /// takes them would change how long a write waits for its batch, which is for the benchmarks to decide (ADR 012).</summary>
    private const int MaxBatchRecords = 96;

    /// <summary>Records a batch may add to a commit besides the znode's own.</summary>
    private int BatchRoom => Math.Min(MaxBatchRecords, store.Limits.MaxRecordsPerCommit) - 1;

    private readonly Queue<PendingWrite> _queue = new();
    private bool _pumping;

    public Task<CreateResult> CreateChild(CreateRequest request)
    {
        ZNodePath.ValidateName(_path, request.Name, request.Mode.IsSequential());
        ZNodeRequests.ValidateCreate(ZNodePath.Combine(_path, request.Name), request.Data, request.Mode, request.TtlMs);
        if (request.Acl is not null) Acl.ValidateResolved(ZNodePath.Combine(_path, request.Name), request.Acl);
        // An ephemeral is owned by the session that creates it: only that session's holder may name it (ADR 013).
        // Without a session it is refused as BadArguments further on.
        if (request.Mode.IsEphemeral() && request.SessionId != 0) credentials.DemandSession(Caller.Credential, request.SessionId);
        return Enqueue(new PendingCreate(request) { Caller = CurrentCaller() }).Task;
    }

    public Task<Stat> SetData(byte[]? data, int expectedVersion, long minRevision)
    {
        ZNodeRequests.ValidateSet(_path, data, expectedVersion);
        return Enqueue(new PendingSet(data, expectedVersion, minRevision) { Caller = CurrentCaller() }).Task;
    }

    public Task<Stat> SetAcl(AclEntry[] acl, int expectedAversion, long minRevision)
    {
        ZNodePath.Validate(_path);
        Acl.ValidateResolved(_path, acl);
        ZNodeRequests.ValidateVersion(_path, expectedAversion);
        return Enqueue(new PendingSetAcl(acl, expectedAversion, minRevision) { Caller = CurrentCaller() }).Task;
    }

    public Task DeleteChild(string name, int expectedVersion, long minRevision)
    {
        ZNodePath.ValidateName(_path, name);
        ZNodeRequests.ValidateDelete(ZNodePath.Combine(_path, name), expectedVersion);
        return Enqueue(new PendingDelete(name, expectedVersion, minRevision, 0) { Caller = CurrentCaller() }).Task;
    }

    public async Task DeleteEphemeral(string name, long sessionId)
    {
        ZNodePath.ValidateName(_path, name);
        try
        {
            await Enqueue(new PendingDelete(name, -1, 0, sessionId)).Task;
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.NoNode)
        {
            // Already gone, or now someone else's node: nothing of this session is left here.
        }
    }

    private T Enqueue<T>(T write) where T : PendingWrite
    {
        _queue.Enqueue(write);
        if (!_pumping)
        {
            _pumping = true;
            _ = PumpAsync();
        }

        return write;
    }

    private async Task PumpAsync()
    {
        try
        {
            while (_queue.Count > 0)
            {
                await _gate.WaitAsync();
                List<PendingWrite> batch = [];
                try
                {
                    // Writes that come while a load says "absent" go to the next batch, which looks again: the
                    // parent may have created this znode after its answer and before they were called.
                    var queued = _queue.Count;
                    try
                    {
                        await LoadAsync();
                    }
                    catch
                    {
                        // The writes that were waiting fail with the load (storage unavailable, or found older than
                        // what was committed); looping on to load again for them would spin.
                        while (batch.Count < queued) batch.Add(_queue.Dequeue());
                        throw;
                    }

                    var take = Record is null ? queued : int.MaxValue;
                    var room = BatchRoom;
                    while (_queue.Count > 0 && batch.Count < take && (batch.Count == 0 || room >= _queue.Peek().MaxExtraRecords))
                    {
                        var write = _queue.Dequeue();
                        room -= write.MaxExtraRecords;
                        batch.Add(write);
                    }

                    var (deferred, again) = await CommitBatchAsync(batch);
                    if (deferred.Count > 0) PutFirst(deferred);
                    foreach (var write in again) _queue.Enqueue(write);
                }
                catch (Exception exception)
                {
                    foreach (var write in batch) write.Fail(exception);
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        finally
        {
            _pumping = false;
        }
    }

    /// <summary>Writes the batch had no room for go back to the head of the queue, in their order.</summary>
    private void PutFirst(List<PendingWrite> writes)
    {
        var waiting = _queue.ToArray();
        _queue.Clear();
        foreach (var write in writes) _queue.Enqueue(write);
        foreach (var write in waiting) _queue.Enqueue(write);
    }
}
