using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Recipes;

namespace OrleansCoord.Grains.Recipes;

/// <summary>
/// Taking and giving back holds: acquiring (a waiter queues and long-polls until granted), releasing and cancelling
/// one's own, and the grid's release of everything an ended session held.
/// </summary>
internal sealed partial class LeaseGrain
{
    /// <summary>Grants, releases and cancels name a session: only its holder may (docs/adr/013-identities.md). The
    /// grid's own release of an ended session's holds (<see cref="ReleaseSession"/>) is not a caller's.</summary>
    private async Task DemandSessionAsync(long sessionId)
    {
        await credentials.ReadyAsync();
        credentials.DemandSession(Caller.Credential, sessionId);
    }

    public async Task<LeaseGrant> Acquire(LeaseAcquire request)
    {
        LeaseRequestRules.Validate(Kind, request);
        await DemandSessionAsync(request.SessionId);
        var credential = Caller.Credential;
        LeaseWaiter waiter;
        await EnterAsync();
        try
        {
            var committed = await LoadAsync();
            if (committed.Holds.FirstOrDefault(h => h.Grants.Contains(request.WaiterId)) is { } held)
            {
                // Granted while the client was between polls (or the reply was lost).
                _queue.RemoveAll(w => w.Request.WaiterId == request.WaiterId);
                return new LeaseGrant(true, held.Token);
            }

            if (!_acl.Allows(committed.Acl, AclPerms.Create, credential))
            {
                // Refused (also a waiter whose ACL changed between its polls): leave no place in the queue behind.
                DropWaiters(w => w.Request.WaiterId == request.WaiterId, null);
                throw _acl.Refusal(AclPerms.Create);
            }

            if (_queue.Find(w => w.Request.WaiterId == request.WaiterId) is { } queued)
            {
                queued.Polled(time.GetUtcNow());
                waiter = queued;
                await VerifyCurrentAsync(always: false);
            }
            else
            {
                var check = new LeaseDraft(Kind, committed);
                check.CheckLimit(request);
                check.TryReenter(request);
                waiter = new LeaseWaiter(request, credential, time.GetUtcNow());
                _queue.Add(waiter);
                try
                {
                    await MutateAsync(_ => 0);
                    if (!waiter.IsDone) await VerifyCurrentAsync(always: false);
                }
                catch
                {
                    _queue.Remove(waiter);
                    throw;
                }
            }
        }
        finally
        {
            Leave();
        }

        return await waiter.WaitAsync(request.WaitMs, time);
    }

    public async Task Release(long sessionId, string holder, Guid grantId)
    {
        _ = Kind;
        RecipeLimits.ValidateHolder(holder, allowEmpty: true);
        await DemandSessionAsync(sessionId);
        await EnterAsync();
        try
        {
            if (!await MutateAsync(draft => draft.Release(sessionId, holder, grantId)))
            {
                await VerifyCurrentAsync(always: true);
                throw CoordException.BadArguments(_grainKey, $"not held by holder '{holder}' of session 0x{sessionId:x16}");
            }
        }
        finally
        {
            Leave();
        }
    }

    public async Task Cancel(long sessionId, Guid waiterId)
    {
        _ = Kind;
        await DemandSessionAsync(sessionId);
        await EnterAsync();
        try
        {
            DropWaiters(w => w.Request.WaiterId == waiterId && w.Request.SessionId == sessionId, null);
            await MutateAsync(draft => draft.Release(sessionId, null, waiterId));
        }
        finally
        {
            Leave();
        }
    }

    public async Task ReleaseSession(long sessionId)
    {
        await EnterAsync();
        try
        {
            DropWaiters(w => w.Request.SessionId == sessionId, CoordException.SessionExpired(sessionId));
            var held = await MutateAsync(draft =>
            {
                var had = draft.HoldsAnything(sessionId);
                draft.ReleaseSession(sessionId);
                return had;
            });
            if (!held) await DeleteStrayIndexRowAsync(sessionId);
        }
        finally
        {
            Leave();
        }
    }

    /// <summary>A hold row left without a hold (should not happen: they are written together); delete it so
    /// that the ending session is not stuck retrying.</summary>
    private async Task DeleteStrayIndexRowAsync(long sessionId)
    {
        var key = RecipeKeys.HoldIndex(sessionId, _grainKey);
        var row = await TreeStoreErrors.Translate(_grainKey, () => store.ReadAsync(key));
        if (row is not null) await TreeStoreErrors.Translate(_grainKey, () => store.CommitAsync([RecordWrite.Delete(key, row.Token)]));
    }
}
