using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Grains.Recipes;

/// <summary>
/// Changing the lease: a change and the promotions it allows are applied to a draft and committed before any waiter
/// hears of its grant; the conflicts a commit can meet decide whether to draft again or to retire.
/// </summary>
internal sealed partial class LeaseGrain
{
    /// <summary>
    /// Applies <paramref name="change"/> and the promotions it allows to a draft, commits it, and only then
    /// completes the granted waiters. Call with the gate held.
    /// </summary>
    /// <remarks>A conflict on a session fence means that session ended: its waiters are dropped and the draft is
    /// made again. A conflict on anything else means another activation wrote the record: this one retires.</remarks>
    private async Task<T> MutateAsync<T>(Func<LeaseDraft, T> change)
    {
        for (var round = 0; ; round++)
        {
            var committed = await LoadAsync();
            var now = time.GetUtcNow();
            DropWaiters(w => w.IsAbandoned(now), null);

            var draft = new LeaseDraft(Kind, committed);
            var result = change(draft);
            draft.Promote(_queue);
            if (draft.Changed)
            {
                var next = draft.ToRecord();
                // A storage failure leaves the outcome unknown: the bridge forgets the record, the next call reads it again.
                var commit = await _lease.CommitAsync(next, draft.Writes(_grainKey, _codec.Encode(next), _lease.Token));
                if (!commit.Committed)
                {
                    if (TreeKeys.IsSessionFence(commit.ConflictKey!) && round < 1000)
                    {
                        var ended = RecipeKeys.SessionOfFence(commit.ConflictKey!);
                        DropWaiters(w => w.Request.SessionId == ended, CoordException.SessionExpired(ended));
                        continue;
                    }

                    _lease.Conflicted(commit.ConflictKey!);
                    throw new RetryableConflictException($"recipe {_grainKey} was changed by another activation; retry");
                }

                regression.Committed(_lease.Key, next.LastToken);
                _verifiedAt = time.GetUtcNow();
                var changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                changed.TrySetResult();
            }

            foreach (var (waiter, token) in draft.Granted)
            {
                _queue.Remove(waiter);
                waiter.Grant(token);
            }

            foreach (var (waiter, error) in draft.Rejected)
            {
                _queue.Remove(waiter);
                waiter.Drop(error);
            }

            if (!draft.MoreToPromote) return result;
            change = _ => result;
        }
    }

    /// <summary>Storage holds a record this activation did not write: the bridge has forgotten it and the next
    /// activation loads it. Waiters are told to retry there.</summary>
    private void RetireActivation()
    {
        _retired = true;
        DropWaiters(_ => true, new RetryableConflictException($"recipe {_grainKey} moved to another activation; retry"));
        DeactivateOnIdle();
    }
}
