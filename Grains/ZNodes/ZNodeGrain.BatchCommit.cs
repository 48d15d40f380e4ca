using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// One batch of the write pipeline, decided and committed: each write is checked against the state so far (a refusal
/// that depends on an earlier write of the batch waits for its commit), and the znode's record, the records of
/// created children and the deletes prepared by deleted children go in one storage commit.
/// </summary>
internal sealed partial class ZNodeGrain
{
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
}
