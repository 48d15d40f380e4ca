using OrleansCoord.Recipes;

namespace OrleansCoord.Client.Recipes;

/// <summary>
/// Read/write locks: many readers or one writer. Waiters are served in arrival order, so a waiting writer is not
/// starved by readers that come after it. A writer may also take the read lock; a reader cannot upgrade.
/// </summary>
public sealed class ReadWriteLocks
{
    private readonly LeasePolls _polls;

    internal ReadWriteLocks(LeasePolls polls) => _polls = polls;

    /// <summary>Takes the read lock, waiting at most <paramref name="timeout"/> (else OperationTimeout).</summary>
    public Task<LockHandle> AcquireReadAsync(string name, TimeSpan timeout, string holder = "", CancellationToken cancellationToken = default) =>
        AcquireAsync(name, LeaseMode.Shared, timeout, holder, cancellationToken);

    /// <summary>Takes the write lock, waiting at most <paramref name="timeout"/> (else OperationTimeout).</summary>
    public Task<LockHandle> AcquireWriteAsync(string name, TimeSpan timeout, string holder = "", CancellationToken cancellationToken = default) =>
        AcquireAsync(name, LeaseMode.Exclusive, timeout, holder, cancellationToken);

    private async Task<LockHandle> AcquireAsync(string name, LeaseMode mode, TimeSpan timeout, string holder, CancellationToken cancellationToken)
    {
        RecipeLimits.ValidateHolder(holder, allowEmpty: true);
        var grant = await _polls.AcquireAsync(LeaseKind.ReadWriteLock, name, holder, mode, 0, timeout, cancellationToken)
            ?? throw LeasePolls.NotAcquired(name, timeout);
        return new LockHandle(_polls, grant);
    }
}
