using Orleans.Concurrency;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.Revisions;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// Coordinates a multi (docs/adr/003-atomic-writes.md): every touched znode joins the transaction and
/// applies its ops in order to a draft, the drafts' conditional writes go to storage in one commit, and
/// the participants adopt or drop their drafts. One revision for all ops, like ZooKeeper's one zxid.
/// </summary>
[StatelessWorker]
[Reentrant]
[GrainType("multi")]
internal sealed class MultiGrain(ITreeStore store, RevisionClock clock, TimeProvider time, WatchPublisher watches, CallerCredentials credentials)
    : Grain, IMultiGrain
{
    private const int MaxRevisionRetries = 5;

    public async Task<OpResult[]> Multi(ZNodeOp[] ops, long sessionId, long minRevision)
    {
        // The store's bound, not the SDK's: a multi is one commit (ADR 012).
        ZNodeRequests.ValidateMulti(ops, store.Limits.MaxMultiOps, store.Limits.Store);
        if (sessionId != 0 && ops.Any(op => op is CreateOp create && create.Mode.IsEphemeral()))
        {
            // Its ephemerals are owned by the session: only that session's holder may name it (ADR 013).
            await credentials.ReadyAsync();
            credentials.DemandSession(Caller.Credential, sessionId);
        }

        for (var attempt = 0; ; attempt++)
        {
            var transaction = new MultiTransaction(GrainFactory, ops, sessionId, clock.Next(minRevision), time.GetUtcNow().ToUnixTimeMilliseconds());
            try
            {
                return await RunAsync(transaction);
            }
            catch (RevisionBehindException exception)
            {
                // A participant has seen a later revision (a clock elsewhere runs ahead, or writes to a busy znode
                // committed after this attempt took its revision): try above it. Nothing of the attempt was applied, so
                // past a few tries it is a conflict the caller sends again, not an unknown failure (SystemError).
                clock.Observe(exception.Revision);
                if (attempt >= MaxRevisionRetries)
                {
                    throw new RetryableConflictException($"multi: its znodes moved past its revision {attempt + 1} times; nothing applied, retry");
                }
            }
        }
    }

    private async Task<OpResult[]> RunAsync(MultiTransaction transaction)
    {
        OpResult[] results;
        try
        {
            results = await transaction.ApplyOpsAsync();
        }
        catch
        {
            transaction.Resolve(TxOutcome.Aborted, null);
            throw;
        }

        if (results.Any(r => r.IsError))
        {
            transaction.Resolve(TxOutcome.Aborted, null);
            return results;
        }

        var writes = await transaction.PrepareAsync();
        if (writes.Count > store.Limits.MaxRecordsPerCommit)
        {
            transaction.Resolve(TxOutcome.Aborted, null);
            throw CoordException.BadArguments(null, $"multi touches {writes.Count} records, more than {store.Limits.MaxRecordsPerCommit} on {store.Limits.Store}");
        }

        CommitResult commit;
        try
        {
            commit = await store.CommitAsync(writes);
        }
        catch (TreeStoreException exception)
        {
            transaction.Resolve(TxOutcome.Unknown, null);
            throw TreeStoreErrors.Unavailable(null, exception);
        }

        if (commit.Committed)
        {
            // Before the participants let go, so that no later write to them is published ahead of these events.
            try
            {
                await watches.PublishAsync(transaction.WatchEvents(results));
            }
            catch (Exception)
            {
                // The multi is durable; a lost event is made up for by the watcher's resync (ADR 006).
            }

            transaction.Resolve(TxOutcome.Committed, commit.Tokens);
            return results;
        }

        transaction.Resolve(TxOutcome.Aborted, null);
        if (TreeKeys.IsSessionFence(commit.ConflictKey!))
        {
            var expired = Array.FindIndex(transaction.Ops, op => op is CreateOp { Mode: var mode } && mode.IsEphemeral());
            return MultiTransaction.Failed(transaction.Ops.Length, expired, CoordException.SessionExpired(transaction.SessionId));
        }

        throw new RetryableConflictException($"multi conflicted on {commit.ConflictKey}; retry");
    }
}
