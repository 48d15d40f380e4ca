using OrleansCoord.Recipes;

namespace OrleansCoord.Client.Recipes;

/// <summary>Counting semaphores: at most N leases at a time, FIFO-fair; every acquirer must name the same N.</summary>
public sealed class Semaphores
{
    private readonly LeasePolls _polls;

    internal Semaphores(LeasePolls polls) => _polls = polls;

    /// <summary>Takes one of <paramref name="leases"/> leases, waiting at most <paramref name="timeout"/>
    /// (else OperationTimeout). Each call is its own lease, also within one session.</summary>
    public async Task<LockHandle> AcquireAsync(string name, int leases, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (leases is < 1 or > RecipeLimits.MaxSemaphoreLeases)
        {
            throw Errors.CoordException.BadArguments(name, $"a semaphore needs 1 to {RecipeLimits.MaxSemaphoreLeases} leases, got {leases}");
        }

        var lease = Guid.NewGuid().ToString("N");
        var grant = await _polls.AcquireAsync(LeaseKind.Semaphore, name, lease, LeaseMode.Shared, leases, timeout, cancellationToken)
            ?? throw LeasePolls.NotAcquired(name, timeout);
        return new LockHandle(_polls, grant);
    }
}
