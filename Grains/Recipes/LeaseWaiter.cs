using OrleansCoord.Acls;
using OrleansCoord.Recipes;

namespace OrleansCoord.Grains.Recipes;

/// <summary>
/// A queued acquire, in memory: the promise its polls wait on and when it was last polled. Outcomes are results,
/// never faulted tasks, because a waiter is often completed while none of its polls is waiting.
/// </summary>
internal sealed class LeaseWaiter(LeaseAcquire request, CallerCredential? credential, DateTimeOffset now)
{
    private readonly TaskCompletionSource<LeaseGrant> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LeaseAcquire Request { get; } = request;

    /// <summary>What the acquire presented: checked again when the recipe's ACL changes while it waits.</summary>
    public CallerCredential? Credential { get; } = credential;

    public DateTimeOffset LastPolled { get; private set; } = now;

    /// <summary>Why the waiter was dropped without a grant (its session ended, the grain retired), if it was.</summary>
    public Exception? Failure { get; private set; }

    public bool IsDone => _outcome.Task.IsCompleted;

    public void Polled(DateTimeOffset now) => LastPolled = now;

    public bool IsAbandoned(DateTimeOffset now) => now - LastPolled > TimeSpan.FromMilliseconds(RecipeLimits.AbandonedWaiterMs);

    public void Grant(long token) => _outcome.TrySetResult(new LeaseGrant(true, token));

    public void Drop(Exception? failure)
    {
        Failure ??= failure;
        _outcome.TrySetResult(LeaseGrant.NotYet);
    }

    /// <summary>Waits for the outcome at most <paramref name="waitMs"/>; not yet when the wait is up.</summary>
    public async Task<LeaseGrant> WaitAsync(int waitMs, TimeProvider time)
    {
        LeaseGrant outcome;
        try
        {
            outcome = await _outcome.Task.WaitAsync(TimeSpan.FromMilliseconds(waitMs), time);
        }
        catch (TimeoutException)
        {
            return LeaseGrant.NotYet;
        }

        if (Failure is not null) throw Failure;
        return outcome;
    }
}
