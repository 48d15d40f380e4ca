using OrleansCoord.Errors;
using OrleansCoord.Sessions;

namespace OrleansCoord.SessionLayer;

/// <summary>How either front door opens a new grid session: a SessionGrain under a fresh random id, and another id
/// while the one chosen is taken (the grain refuses to open an id that is in use or ending).</summary>
public static class SessionOpening
{
    /// <summary>Past this many taken ids in a row something else is wrong: the conflict goes to the caller.</summary>
    private const int MaxIdAttempts = 10;

    /// <summary>Opens a session asking for <paramref name="requestedTimeoutMs"/>; its grain and what it answered (id,
    /// granted timeout, the opener's credential). Other failures go to the caller, whose retry policy decides.</summary>
    public static async Task<(ISessionGrain Grain, SessionInfo Info)> OpenAsync(IGrainFactory grains, int requestedTimeoutMs)
    {
        for (var attempt = 0; ; attempt++)
        {
            var session = grains.GetGrain<ISessionGrain>(NewId());
            try
            {
                return (session, await session.Open(requestedTimeoutMs));
            }
            catch (RetryableConflictException) when (attempt < MaxIdAttempts)
            {
                // The id is taken: pick another.
            }
        }
    }

    /// <summary>Positive, so never 0, which means "no owner" in a Stat.</summary>
    private static long NewId() => Random.Shared.NextInt64(1, long.MaxValue);
}
