using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// The participant side of a transaction (docs/adr/003-atomic-writes.md). The first step locks the znode
/// (its gate) and starts a draft; prepare hands out the draft's conditional writes; resolve adopts or drops
/// it. Between prepare and resolve the outcome is unknown here, so reads wait. If no verdict comes within
/// <see cref="Hosting.CoordGridOptions.InDoubtTimeout"/>, the znode settles it itself from storage and
/// rewrites its record, so that a late commit of the lost coordinator fails.
/// </summary>
internal sealed partial class ZNodeGrain
{
    private Participation? _tx;

    public async Task<TxStepResult> TxStep(Guid txId, TxStep step)
    {
        if (step.Continues && _tx?.Id != txId) throw new RetryableConflictException($"{_path} left the transaction; retry");
        var tx = await JoinAsync(txId);
        tx.LastStepAt = Environment.TickCount64;
        var draft = tx.Draft;
        // The identities of the multi's session travel in the call's request context (ZooKeeper checks multi ops too).
        var caller = CurrentCaller();
        switch (step)
        {
            case CreateChildStep create:
                RequireRevision(create.Revision);
                draft.Authorize(AclPerms.Create, caller, ZNodePath.Combine(_path, create.Request.Name));
                var (childPath, child) = draft.CreateChild(create.Request, create.Revision, create.NowMs);
                return new TxStepResult(childPath, child);
            case BecomeCreatedStep created:
                draft.BecomeCreated(created.Record);
                return new TxStepResult(_path, created.Record);
            case DeleteChildStep delete:
                RequireRevision(delete.Revision);
                // The child has loaded (it joined first), so it holds no hand-off; this only keeps that true.
                _handoff?.Take(delete.Name);
                draft.Authorize(AclPerms.Delete, caller, ZNodePath.Combine(_path, delete.Name));
                draft.DeleteChild(delete.Name, delete.Revision);
                return new TxStepResult(_path, draft.Record);
            case DeleteSelfStep deleteSelf:
                return new TxStepResult(_path, draft.DeleteSelf(deleteSelf.Version, deleteSelf.OwnerFilter));
            case SetDataStep set:
                RequireRevision(set.Revision);
                draft.Authorize(AclPerms.Write, caller, _path);
                return new TxStepResult(_path, draft.SetData(set.Data, set.Version, set.Revision, set.NowMs));
            case CheckStep check:
                draft.Authorize(AclPerms.Read, caller, _path);
                draft.Check(check.Version);
                return new TxStepResult(_path, draft.Record);
            default:
                throw CoordException.BadArguments(_path, "unknown transaction step");
        }
    }

    public async Task<RecordWrite[]> TxStepAndPrepare(Guid txId, TxStep step)
    {
        await TxStep(txId, step);
        return await TxPrepare(txId);
    }

    public Task<RecordWrite[]> TxPrepare(Guid txId)
    {
        if (_tx is not { } tx || tx.Id != txId) throw new RetryableConflictException($"{_path} left the transaction; retry");
        tx.Prepared = true;
        tx.LastStepAt = Environment.TickCount64;
        var writes = tx.Draft.Writes.ToList();
        if (ChildRecordWrites.OwnWrite(_key, tx.Before, tx.Token, tx.Draft.Record, tx.Draft.ForceWrite) is { } own) writes.Add(own);
        return Task.FromResult(writes.ToArray());
    }

    public async Task TxResolve(Guid txId, TxOutcome outcome, string? token)
    {
        if (_tx is not { } tx || tx.Id != txId) return;
        switch (outcome)
        {
            case TxOutcome.Committed:
                token = tx.Draft.Record is null ? null : token ?? tx.Token;
                AdoptCommitted(tx.Draft.Record, token, tx.Draft.Children);
                // Children created or deleted by the transaction wrote their own records: no hand-off for them.
                foreach (var name in tx.Draft.Children.Changed) _handoff?.Take(name);
                break;
            case TxOutcome.Unknown:
                await SettleFromStorageAsync(tx);
                break;
        }

        Leave(tx);
    }

    /// <summary>Waits while a prepared transaction's outcome is unknown here; settles it when the wait is too long.</summary>
    private async Task WaitUntilSettledAsync()
    {
        while (_tx is { Prepared: true } tx)
        {
            try
            {
                await tx.Ended.Task.WaitAsync(_options.InDoubtTimeout);
            }
            catch (TimeoutException)
            {
                await ExpireAsync(tx);
            }
        }
    }

    private async Task<Participation> JoinAsync(Guid txId)
    {
        if (_tx is { } current && current.Id == txId) return current;
        if (!await _gate.WaitAsync(_options.InDoubtTimeout))
        {
            throw new RetryableConflictException($"{_path} is busy with another transaction; retry");
        }

        try
        {
            await WaitForFinishingAsync();
            var record = await LoadAsync(txId);
            var tx = new Participation(txId, record, Token, new NodeDraft(_path, record, _children)) { Generation = _generation };
            _tx = tx;
            _ = ExpireLaterAsync(tx);
            return tx;
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    /// <summary>Expires the participation once its coordinator has been silent for InDoubtTimeout: counted from the last
    /// step, so that a multi of many ops, whose steps keep coming, is not cut short (each round waits for a newer step).</summary>
    private async Task ExpireLaterAsync(Participation tx)
    {
        var timeout = (long)_options.InDoubtTimeout.TotalMilliseconds;
        for (var silent = Environment.TickCount64 - tx.LastStepAt; silent < timeout; silent = Environment.TickCount64 - tx.LastStepAt)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(timeout - silent));
            if (_tx != tx) return;
        }

        await ExpireAsync(tx);
    }

    /// <summary>The coordinator went silent: settle this participation on our own.</summary>
    private async Task ExpireAsync(Participation tx)
    {
        if (_tx != tx) return;
        if (tx.Prepared) await SettleFromStorageAsync(tx);
        Leave(tx);
    }

    /// <summary>
    /// Finds out from storage whether the transaction committed. If our record is as before, it did not (yet):
    /// rewrite it, so that the coordinator's commit, should it still come, fails on our changed token.
    /// </summary>
    private async Task SettleFromStorageAsync(Participation tx)
    {
        try
        {
            var stored = await StoreCall(() => store.ReadAsync(_key));
            if (stored is not null && stored.Token == tx.Token)
            {
                var fence = await StoreCall(() => store.CommitAsync([RecordWrite.Replace(_key, stored.Value, stored.Token)]));
                if (fence.Committed && Record is not null && _generation == tx.Generation)
                {
                    _node.Adopt(Record, fence.Tokens![_key]);
                    return;
                }
            }
        }
        catch (CoordException)
        {
            // Storage failed (logged, and the cache forgotten, by StoreCall): what storage holds is read again next time.
        }

        ForgetCommitted();
    }

    private void Leave(Participation tx)
    {
        if (_tx != tx) return;
        _tx = null;
        tx.Ended.TrySetResult();
        _gate.Release();
    }

    private void RequireRevision(long revision)
    {
        // Against the committed record: earlier steps of the same transaction carry the same revision.
        var current = _tx?.Before?.Revision ?? 0;
        if (revision <= current) throw new RevisionBehindException(current);
    }

    private sealed class Participation(Guid id, ZNodeRecord? before, string? token, NodeDraft draft)
    {
        public Guid Id { get; } = id;

        public ZNodeRecord? Before { get; } = before;

        public string? Token { get; } = token;

        public NodeDraft Draft { get; } = draft;

        public long Generation { get; init; }

        public bool Prepared { get; set; }

        /// <summary>When the coordinator was last heard (<see cref="Environment.TickCount64"/>): the last step or prepare.</summary>
        public long LastStepAt { get; set; } = Environment.TickCount64;

        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
