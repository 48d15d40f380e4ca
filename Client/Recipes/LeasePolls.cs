using System.Diagnostics;
using System.Runtime.CompilerServices;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Recipes;

namespace OrleansCoord.Client.Recipes;

/// <summary>
/// The client side of docs/adr/007-recipe-waits.md: acquire by polls of at most a few seconds until granted or
/// the caller's timeout, then cancel its place; release; observe by polls as well.
/// </summary>
internal sealed class LeasePolls(CoordClient client)
{
    public CoordClient Client => client;

    /// <summary>The grant, or null when <paramref name="timeout"/> passed first (the place in the queue is removed).</summary>
    public async Task<HeldGrant?> AcquireAsync(LeaseKind kind, string name, string holder, LeaseMode mode, int limit,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        RecipeLimits.ValidateTimeout(timeout);
        var key = RecipeLimits.GrainKey(kind, name);
        client.EnsureOpen();
        var grain = client.GrainFactory.GetStringKeyGrain<ILeaseGrain>(key);
        var request = new LeaseAcquire(client.SessionId, holder, Guid.NewGuid(), mode, limit, 0);
        var clock = Stopwatch.StartNew();
        var maxWait = MaxWaitMs;
        try
        {
            while (true)
            {
                var left = timeout == Timeout.InfiniteTimeSpan ? double.MaxValue : (timeout - clock.Elapsed).TotalMilliseconds;
                var wait = (int)Math.Clamp(left, 0, maxWait);
                var poll = request with { WaitMs = wait };
                var grant = await RetryLostAsync(key, () => grain.Acquire(poll), cancellationToken);
                if (grant.Granted) return new HeldGrant(grain, key, name, holder, request.WaiterId, grant.Token);
                if (left <= wait) break;
                client.EnsureOpen();
            }
        }
        catch
        {
            await CancelQuietlyAsync(grain, request.WaiterId);
            throw;
        }

        await CancelQuietlyAsync(grain, request.WaiterId);
        return null;
    }

    /// <summary>Releases a grant. A retried release that finds the grant gone was released by its first attempt.</summary>
    public async Task ReleaseAsync(HeldGrant grant)
    {
        var attempts = 0;
        try
        {
            await RetryLostAsync(grant.Key, async () =>
            {
                attempts++;
                await grant.Grain.Release(client.SessionId, grant.Holder, grant.GrantId);
                return 0;
            }, CancellationToken.None);
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.BadArguments && attempts > 1)
        {
            // Gone: released by the attempt whose reply was lost.
        }
    }

    /// <summary>The recipe's state now, then each time its holders or last token change.</summary>
    public async IAsyncEnumerable<LeaseView> ObserveAsync(LeaseKind kind, string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var key = RecipeLimits.GrainKey(kind, name);
        var grain = client.GrainFactory.GetStringKeyGrain<ILeaseGrain>(key);
        var (token, holders) = (-1L, -1);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (knownToken, knownHolders) = (token, holders);
            var view = await RetryLostAsync(key, () => grain.Observe(knownToken, knownHolders, MaxWaitMs), cancellationToken);
            if (view.LastToken == token && view.Holders.Length == holders) continue;
            (token, holders) = (view.LastToken, view.Holders.Length);
            yield return view;
        }
    }

    /// <summary>The recipe's state now.</summary>
    public Task<LeaseView> ReadAsync(LeaseKind kind, string name, CancellationToken cancellationToken)
    {
        var key = RecipeLimits.GrainKey(kind, name);
        var grain = client.GrainFactory.GetStringKeyGrain<ILeaseGrain>(key);
        return client.Runner.RunAsync(key, idempotent: true, () => { Caller.Use(client.Credential); return grain.Observe(-1, -1, 0); }, cancellationToken);
    }

    /// <summary>
    /// Runs a recipe request that is safe to repeat (a poll names its waiter, a release its grant, a view is a read),
    /// also when its reply was lost or storage failed under it: a request that timed out on a dead silo or got
    /// SystemError (its commit's outcome unknown) is sent again, a few times.
    /// </summary>
    private async Task<T> RetryLostAsync<T>(string key, Func<Task<T>> request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // The session's credential goes with each attempt: grants, releases and cancels name this session.
                return await client.Runner.RunAsync(key, idempotent: true, () => { Caller.Use(client.Credential); return request(); }, cancellationToken)
                    .WaitAsync(cancellationToken);
            }
            catch (CoordException exception) when (exception.Code is CoordErrorCode.OperationTimeout or CoordErrorCode.ConnectionLoss
                or CoordErrorCode.SystemError && attempt < MaxLostReplies)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
            }
        }
    }

    private const int MaxLostReplies = 4;

    public static CoordException NotAcquired(string name, TimeSpan timeout) =>
        new(CoordErrorCode.OperationTimeout, name, $"not acquired within {timeout.TotalSeconds:0.###} s");

    // A poll must answer well inside one request's timeout.
    private int MaxWaitMs => (int)Math.Clamp(client.Runner.RequestTimeout.TotalMilliseconds / 2, 0, RecipeLimits.MaxWaitMs);

    private async Task CancelQuietlyAsync(ILeaseGrain grain, Guid waiterId)
    {
        try
        {
            Caller.Use(client.Credential);
            await grain.Cancel(client.SessionId, waiterId).WaitAsync(client.Runner.RequestTimeout);
        }
        catch (Exception)
        {
            // Best effort: an unpolled place is dropped by the grain, and a grant that raced ends with the session.
        }
    }
}
