using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Sessions;

namespace OrleansCoord.SessionLayer;

/// <summary>What one beat of <see cref="SessionKeepAlive"/> found.</summary>
public enum SessionBeat
{
    /// <summary>The session grain heard it: the session lives a timeout longer.</summary>
    Alive,

    /// <summary>It did not reach the session grain (a gateway or silo away, failing over): the next beat tries again.</summary>
    Unreachable,

    /// <summary>The session has ended; the keep-alive ends.</summary>
    Expired,

    /// <summary>The session was resumed on another connection (only a connection's beat hears this); the keep-alive ends.</summary>
    Moved,
}

/// <summary>
/// The one keep-alive of a session, for either front door: beats to its session grain a third of the timeout apart
/// (<see cref="KeepAliveRules"/> says what differs between the doors), each carrying the session's credential, since
/// the session grain answers nobody else, and tells the door what each beat found.
/// </summary>
/// <param name="beat">One beat: the SDK's <c>Heartbeat</c>, a connection's <c>HeartbeatFrom</c> its connection id.</param>
/// <param name="rules">The door's timing and credential.</param>
/// <param name="heard">Told of each beat's outcome, on the keep-alive's own flow.</param>
public sealed class SessionKeepAlive(Func<Task<SessionInfo>> beat, KeepAliveRules rules, Action<SessionBeat> heard)
{
    /// <summary>Beats until the session ends, is moved, the door no longer wants it, or <paramref name="stop"/> fires.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var reached = true;
        while (!stop.IsCancellationRequested)
        {
            var period = Period();
            try
            {
                await Task.Delay(!reached && rules.RetryAfterUnreachable is { } retry ? retry : period, stop);
                if (rules.StillWanted?.Invoke() == false) return;
                var sent = rules.Credential();
                Caller.Use(sent);
                var info = rules.BoundEachBeat ? await beat().WaitAsync(period, stop) : await beat().WaitAsync(stop);
                if (info.Credential is { } fresh) rules.Renewed?.Invoke(sent, fresh);
                reached = true;
                heard(SessionBeat.Alive);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.SessionExpired)
            {
                heard(SessionBeat.Expired);
                return;
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.SessionMoved)
            {
                heard(SessionBeat.Moved);
                return;
            }
            catch (Exception)
            {
                // Gateway or silo away: the Orleans client fails over, a session grain is activated again; keep trying
                // until the grid expires the session.
                reached = false;
                heard(SessionBeat.Unreachable);
            }
        }
    }

    /// <summary>A third of the timeout, or of the credential's lifetime when the rules say so and that is shorter.</summary>
    private TimeSpan Period()
    {
        var period = rules.SessionTimeout / 3;
        if (rules.PaceByCredential)
        {
            var current = rules.Credential();
            var lifetime = TimeSpan.FromMilliseconds(Math.Max(0, current.ExpiresAtMs - current.IssuedAtMs));
            if (lifetime / 3 < period) period = lifetime / 3;
        }

        return period < KeepAliveRules.MinPeriod ? KeepAliveRules.MinPeriod : period;
    }
}
