using OrleansCoord.Recipes;

namespace OrleansCoord.Client.Recipes;

/// <summary>Exclusive locks: FIFO-fair, reentrant for the same holder, with fencing tokens; bound to the session.</summary>
public sealed class Locks
{
    private readonly LeasePolls _polls;

    internal Locks(LeasePolls polls) => _polls = polls;

    /// <summary>Waits at most <paramref name="timeout"/> for the lock; fails with OperationTimeout when it is not
    /// granted in time (the place in the queue is given up).</summary>
    /// <param name="holder">Who holds within the session; the default "" makes the session the holder, so
    /// acquiring again in the same session is reentrant (each acquire needs its own release).</param>
    public async Task<LockHandle> AcquireAsync(string name, TimeSpan timeout, string holder = "", CancellationToken cancellationToken = default) =>
        await TryAcquireAsync(name, timeout, holder, cancellationToken) ?? throw LeasePolls.NotAcquired(name, timeout);

    /// <summary>As <see cref="AcquireAsync"/>, but null when the lock was not granted within <paramref name="timeout"/>.</summary>
    public async Task<LockHandle?> TryAcquireAsync(string name, TimeSpan timeout, string holder = "", CancellationToken cancellationToken = default)
    {
        RecipeLimits.ValidateHolder(holder, allowEmpty: true);
        var grant = await _polls.AcquireAsync(LeaseKind.Lock, name, holder, LeaseMode.Exclusive, 1, timeout, cancellationToken);
        return grant is null ? null : new LockHandle(_polls, grant);
    }

    /// <summary>The current holder (session, holder name, fencing token), or null when the lock is free.</summary>
    public async Task<LeaseHolder?> GetHolderAsync(string name, CancellationToken cancellationToken = default) =>
        (await _polls.ReadAsync(LeaseKind.Lock, name, cancellationToken)).Holders.FirstOrDefault();
}
