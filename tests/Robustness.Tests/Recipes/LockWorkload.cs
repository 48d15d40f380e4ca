using OrleansCoord.Client;
using OrleansCoord.Client.Recipes;
using OrleansCoord.Errors;
using OrleansCoord.Robustness.Tests.Linearizability;

namespace OrleansCoord.Robustness.Tests.Recipes;

/// <summary>
/// A client's lock steps: acquire the run's lock (a holder name of its own per acquire, so a release whose
/// outcome is unknown can never turn a later acquire into a reentrant one), hold it a few milliseconds, release it.
/// Each grant is recorded as a hold from the grant's reply to the release call, with its fencing token and the
/// moment the handle's <c>Lost</c> fired, if it did. A release of unknown outcome is tried again, as a caller would.
/// </summary>
public sealed class LockWorkload(int id, CoordClient client, string lockName, RecipeLog log, Random random)
{
    private int _acquires;

    public async Task StepAsync()
    {
        var holder = $"c{id}-{++_acquires}";
        var call = log.Now;
        LockHandle? handle;
        try
        {
            handle = await client.Locks.TryAcquireAsync(lockName, TimeSpan.FromMilliseconds(500), holder);
        }
        catch (CoordException exception) when (HistoryRecorder.IsOutcomeUnknown(exception.Code) || exception.Code == CoordErrorCode.SessionExpired)
        {
            log.Count($"lock acquire {exception.Code}");
            return;
        }

        if (handle is null)
        {
            log.Count("lock acquire timed out");
            return;
        }

        var granted = log.Now;
        long lostAt = -1;
        using var lost = handle.Lost.Register(() => Interlocked.CompareExchange(ref lostAt, log.Now, -1));
        await Task.Delay(random.Next(1, 20));
        var releaseCall = log.Now;
        var outcome = "Ok";
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                await handle.ReleaseAsync();
                outcome = "Ok";
                break;
            }
            catch (CoordException exception)
            {
                // An unknown outcome: the hold may still be there, so release again (a release names its grant).
                outcome = exception.Code.ToString();
                if (!HistoryRecorder.IsOutcomeUnknown(exception.Code)) break;
            }
        }

        log.Holds.Enqueue(new LockHold(id, holder, handle.FencingToken, call, granted, releaseCall, Interlocked.Read(ref lostAt), outcome));
    }
}

/// <summary>One grant of the lock: held for certain from <see cref="Granted"/> (its reply) to <see cref="ReleaseCall"/>;
/// <see cref="LostAt"/> is when the handle's Lost fired (-1: never); <see cref="Release"/> the release's outcome.</summary>
public sealed record LockHold(int Client, string Holder, long Token, long Call, long Granted, long ReleaseCall, long LostAt, string Release);
