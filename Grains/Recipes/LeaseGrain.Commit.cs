using Microsoft.Extensions.Logging;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;

namespace OrleansCoord.Grains.Recipes;

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
                var writes = draft.Writes(_grainKey, serializer.SerializeToArray(next), _token);
                CommitResult commit;
                try
                {
                    commit = await store.CommitAsync(writes);
                }
                catch (TreeStoreException exception)
                {
                    // Outcome unknown: read the record again next time. A grant that landed is found by its waiter id.
                    (_record, _token) = (null, null);
                    LogStoreFailed(logger, _grainKey, exception);
                    throw TreeStoreErrors.Unavailable(_grainKey, exception);
                }

                if (!commit.Committed)
                {
                    if (TreeKeys.IsSessionFence(commit.ConflictKey!) && round < 1000)
                    {
                        var ended = RecipeKeys.SessionOfFence(commit.ConflictKey!);
                        DropWaiters(w => w.Request.SessionId == ended, CoordException.SessionExpired(ended));
                        continue;
                    }

                    Retire(commit.ConflictKey!);
                    throw new RetryableConflictException($"recipe {_grainKey} was changed by another activation; retry");
                }

                regression.Committed(RecipeKeys.Record(_grainKey), next.LastToken);
                (_record, _token, _verifiedAt) = (next, commit.Tokens![RecipeKeys.Record(_grainKey)], time.GetUtcNow());
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

    /// <summary>Storage holds a record this activation did not write: forget everything and let the next
    /// activation load it. Waiters are told to retry there.</summary>
    private void Retire(string conflictKey)
    {
        LogConflict(logger, _grainKey, conflictKey);
        _retired = true;
        (_record, _token) = (null, null);
        DropWaiters(_ => true, new RetryableConflictException($"recipe {_grainKey} moved to another activation; retry"));
        DeactivateOnIdle();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recipe {Recipe}: conflict on {Key}; another activation wrote it, deactivating")]
    private static partial void LogConflict(ILogger logger, string recipe, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recipe {Recipe}: storage failed during a commit; will reload")]
    private static partial void LogStoreFailed(ILogger logger, string recipe, Exception exception);
}
