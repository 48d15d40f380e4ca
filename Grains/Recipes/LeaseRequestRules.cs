using OrleansCoord.Errors;
using OrleansCoord.Recipes;

namespace OrleansCoord.Grains.Recipes;

/// <summary>What an acquire must look like for each kind of recipe; bad input changes nothing.</summary>
internal static class LeaseRequestRules
{
    public static void Validate(LeaseKind kind, LeaseAcquire request)
    {
        if (request.SessionId == 0) throw CoordException.BadArguments(null, "an acquire needs a session");
        RecipeLimits.ValidateHolder(request.Holder, allowEmpty: kind is LeaseKind.Lock or LeaseKind.ReadWriteLock);
        ValidateWait(request.WaitMs);
        if (request.Mode == LeaseMode.Shared && kind is LeaseKind.Lock or LeaseKind.Election)
        {
            throw CoordException.BadArguments(request.Holder, $"a {kind} has no shared mode");
        }

        if (kind == LeaseKind.Semaphore && request.Limit is < 1 or > RecipeLimits.MaxSemaphoreLeases)
        {
            throw CoordException.BadArguments(request.Holder, $"a semaphore needs 1 to {RecipeLimits.MaxSemaphoreLeases} leases, got {request.Limit}");
        }
    }

    public static void ValidateWait(int waitMs)
    {
        if (waitMs is < 0 or > RecipeLimits.MaxWaitMs)
        {
            throw CoordException.BadArguments(null, $"a poll waits 0 to {RecipeLimits.MaxWaitMs} ms, got {waitMs}");
        }
    }
}
