using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Watches;
using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// The write pipeline: writes queue up while a commit is in flight and the next batch takes them all,
/// checks each against the state so far and makes one storage commit of the znode's record, the
/// records of created children and the deletes prepared by deleted children. Group commit per znode.
/// </summary>
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

    /// <summary>
    /// A create of a name this batch deletes would write the child's record twice in one commit, which storage
    /// refuses (one row once per transaction): it waits for the next batch. A sequential name is only known once
    /// made, so any deleted name with its prefix counts.
    /// </summary>
    private static bool RecreatesDeletedChild(PendingWrite write, HashSet<string> deletedNames) =>
        deletedNames.Count > 0 && write is PendingCreate { Request: var request }
        && (request.Mode.IsSequential()
            ? deletedNames.Any(name => name.StartsWith(request.Name, StringComparison.Ordinal))
            : deletedNames.Contains(request.Name));

    /// <summary>Writes the batch had no room for go back to the head of the queue, in their order.</summary>
    private void PutFirst(List<PendingWrite> writes)
    {
        var waiting = _queue.ToArray();
        _queue.Clear();
        foreach (var write in writes) _queue.Enqueue(write);
        foreach (var write in waiting) _queue.Enqueue(write);
    }

    /// <summary>
    /// Commits a batch. A delete whose child turns out to need an index row takes more records than the batch
    /// planned for; when the commit has no room left for a write, or the write would recreate a child the batch
    /// deletes, it and the writes after it are returned as deferred (they go first in the next batch; a batch's
    /// first write always goes). Also returns the writes that go again at the end of the queue.
    /// </summary>
    private async Task<(List<PendingWrite> Deferred, List<PendingWrite> Again)> CommitBatchAsync(List<PendingWrite> batch)
    {
        await WaitForFinishingBeforeAsync();
        var again = new List<PendingWrite>();
        var deferred = new List<PendingWrite>();
        var deletedNames = new HashSet<string>(StringComparer.Ordinal);
        var before = Record;
        var draft = new NodeDraft(_path, Record, _children);
        var applied = new List<PendingWrite>(batch.Count);
        var refused = new List<(PendingWrite Write, Exception Error)>();
        var preparedChildren = new List<(IZNodeParticipantGrain Child, Guid TxId)>();
        var revision = Record?.Revision ?? 0;
        var now = NowMs;
        var childDeletes = StartChildDeletes(batch);

        foreach (var write in batch)
        {
            if (deferred.Count > 0 || draft.Writes.Count + write.MaxExtraRecords > BatchRoom || RecreatesDeletedChild(write, deletedNames))
            {
                deferred.Add(write);
                continue;
            }

            try
            {
                revision = clock.Next(Math.Max(revision, write.MinRevision));
                switch (write)
                {
                    case PendingCreate create:
                        draft.Authorize(AclPerms.Create, create.Caller, ZNodePath.Combine(_path, create.Request.Name));
                        var (childPath, child) = draft.CreateChild(create.Request, revision, now);
                        draft.Writes.AddRange(ChildRecordWrites.ForCreate(childPath, child));
                        create.Result = new CreateResult(childPath, child.ToStat());
                        create.Record = child;
                        break;
                    case PendingSet set:
                        draft.Authorize(AclPerms.Write, set.Caller, _path);
                        set.Result = draft.SetData(set.Data, set.Version, revision, now).ToStat();
                        break;
                    case PendingSetAcl setAcl:
                        draft.Authorize(AclPerms.Admin, setAcl.Caller, _path);
                        setAcl.Result = draft.SetAcl(setAcl.Acl, setAcl.Version).ToStat();
                        break;
                    case PendingDelete delete:
                        if (!draft.Children.Contains(delete.Name)) throw CoordException.NoNode(ZNodePath.Combine(_path, delete.Name));
                        // A session's expiry deletes its ephemerals whatever the parent's ACL (OwnerFilter set).
                        if (delete.OwnerFilter == 0) draft.Authorize(AclPerms.Delete, delete.Caller, ZNodePath.Combine(_path, delete.Name));
                        if (!childDeletes.Remove(delete, out var started))
                        {
                            // An earlier delete of this child in the batch was refused, so the child is still there:
                            // this one is not a NoNode; it goes again in the next batch, against the committed child.
                            again.Add(delete);
                            continue;
                        }

                        var prepared = await started;
                        if (draft.Writes.Count + prepared.Writes.Length > BatchRoom)
                        {
                            _ = ReleaseOrphanAsync(started);
                            deferred.Add(delete);
                            continue;
                        }

                        preparedChildren.Add(prepared.Participant);
                        draft.DeleteChild(delete.Name, revision);
                        deletedNames.Add(delete.Name);
                        draft.Writes.AddRange(prepared.Writes);
                        delete.Revision = revision;
                        break;
                }

                applied.Add(write);
            }
            catch (Exception exception) when (applied.Count > 0)
            {
                // Refused against writes of this batch that are not durable yet: answering now would tell this
                // caller of a state that readers cannot see yet and that may never exist (the commit can fail).
                refused.Add((write, exception));
            }
            catch (Exception exception)
            {
                write.Fail(exception);
            }
        }

        // Prepares started for deletes that failed before using them must still be released.
        foreach (var orphan in childDeletes.Values) _ = ReleaseOrphanAsync(orphan);
        if (applied.Count == 0) return (deferred, again);

        var writes = draft.Writes.ToList();
        if (ChildRecordWrites.OwnWrite(_key, before, Token, draft.Record, draft.ForceWrite) is { } own) writes.Add(own);

        CommitResult result;
        try
        {
            result = await StoreCall(() => store.CommitAsync(writes));
        }
        catch (Exception exception)
        {
            Verdicts.Deliver(preparedChildren, TxOutcome.Unknown, null);
            foreach (var write in applied) write.Fail(exception);
            FailRefusedUnsettled(refused);
            return (deferred, again);
        }

        if (result.Committed)
        {
            // The parent's list changes before the deleted children let their readers go (ADR 003).
            AdoptCommitted(draft.Record, result.Tokens!.GetValueOrDefault(_key, Token!), draft.Children);
            foreach (var write in applied)
            {
                if (write is PendingCreate { Record: { } child } create)
                    Handoffs().Add(ZNodePath.Name(create.Result!.Path), child, result.Tokens![TreeKeys.Node(create.Result.Path)]);
                else if (write is PendingDelete delete)
                    _handoff?.Take(delete.Name);
            }

            Verdicts.Deliver(preparedChildren, TxOutcome.Committed, result.Tokens);
            // The events and the answers go on beside the next batch (ZNodeGrain.Finishing.cs).
            StartFinishing([.. WatchEvents(before, draft.Record, applied)], applied, refused);
            return (deferred, again);
        }

        Verdicts.Deliver(preparedChildren, TxOutcome.Aborted, null);
        FailConflict(applied, result.ConflictKey!);
        FailRefusedUnsettled(refused);
        return (deferred, again);
    }

    /// <summary>
    /// The writes refused against a batch whose commit did not land: what they were refused for may never have
    /// existed. They were not applied, so they fail as retryable and the SDK sends them again.
    /// </summary>
    private void FailRefusedUnsettled(List<(PendingWrite Write, Exception Error)> refused)
    {
        if (refused.Count == 0) return;
        var retry = new RetryableConflictException($"the writes before this one on {_path} did not commit; retry");
        foreach (var (write, _) in refused) write.Fail(retry);
    }

    /// <summary>
    /// Asks the children to be deleted to prepare, all at once: each joins its own transaction and hands over
    /// its conditional delete. Only the first delete of a committed child in the batch gets one (a second
    /// would wait for the first's lock); the others fail with NoNode when their turn comes if the first was
    /// applied, and wait for the next batch if it was refused.
    /// </summary>
    private Dictionary<PendingDelete, Task<ChildDelete>> StartChildDeletes(List<PendingWrite> batch)
    {
        var started = new Dictionary<PendingDelete, Task<ChildDelete>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var write in batch)
        {
            if (write is PendingDelete delete && _children.Contains(delete.Name) && names.Add(delete.Name))
            {
                started[delete] = PrepareChildDeleteAsync(delete);
            }
        }

        return started;
    }

    private async Task<ChildDelete> PrepareChildDeleteAsync(PendingDelete delete)
    {
        var child = GrainFactory.GetStringKeyGrain<IZNodeParticipantGrain>(ZNodePath.Combine(_path, delete.Name));
        var txId = Guid.NewGuid();
        try
        {
            return new ChildDelete(await child.TxStepAndPrepare(txId, new DeleteSelfStep(delete.Version, delete.OwnerFilter)), (child, txId));
        }
        catch
        {
            Verdicts.Deliver([(child, txId)], TxOutcome.Aborted, null);
            throw;
        }
    }

    private static async Task ReleaseOrphanAsync(Task<ChildDelete> prepare)
    {
        try
        {
            var prepared = await prepare;
            Verdicts.Deliver([prepared.Participant], TxOutcome.Aborted, null);
        }
        catch (Exception)
        {
            // Its prepare failed: nothing to release.
        }
    }

    private sealed record ChildDelete(RecordWrite[] Writes, (IZNodeParticipantGrain Child, Guid TxId) Participant);

    /// <summary>The batch's changes as watch events: this znode's (coalesced per batch), and each created or deleted child's.</summary>
    private IEnumerable<WatchEvent> WatchEvents(ZNodeRecord? before, ZNodeRecord? after, List<PendingWrite> applied)
    {
        foreach (var change in WatchPublisher.Changes(_path, before, after)) yield return change;
        foreach (var write in applied)
        {
            switch (write)
            {
                case PendingCreate create:
                    yield return new WatchEvent(WatchEventType.NodeCreated, create.Result!.Path, create.Result.Stat.Czxid);
                    break;
                case PendingDelete delete:
                    yield return new WatchEvent(WatchEventType.NodeDeleted, ZNodePath.Combine(_path, delete.Name), delete.Revision);
                    break;
            }
        }
    }

    private void FailConflict(List<PendingWrite> applied, string conflictKey)
    {
        // Storage holds a record this activation did not write (another activation, or a foreign writer): the bridge
        // drops what this activation knew (hand-offs too), so the next call reloads from storage. It does not retire
        // (DeactivateOnIdle), for the reason StoreCall gives: a child activating for a delete still in this pipeline
        // asks this parent HasChild, and calls to a deactivating activation wait until it has finished that very request.
        if (conflictKey == _key) _node.Conflicted(conflictKey);

        var conflict = new RetryableConflictException($"conflict on {conflictKey} while writing {_path}; retry");
        foreach (var write in applied)
        {
            var expired = TreeKeys.IsSessionFence(conflictKey) && write is PendingCreate create
                && create.Request.Mode.IsEphemeral() && TreeKeys.SessionFence(create.Request.SessionId) == conflictKey;
            write.Fail(expired ? CoordException.SessionExpired(((PendingCreate)write).Request.SessionId) : conflict);
        }
    }
}
