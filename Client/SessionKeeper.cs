using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Sessions;

namespace OrleansCoord.Client;

/// <summary>Sends the session's heartbeats, a third of the timeout (or of the credential's lifetime, if shorter) apart,
/// and tracks its state.</summary>
/// <remarks>Each heartbeat carries the session's credential: the session grain answers nobody else, and answers it
/// renewed (docs/adr/017), which <paramref name="renewed"/> takes in place of the one sent.</remarks>
internal sealed class SessionKeeper(ISessionGrain session, Func<CallerCredential> credential, Action<CallerCredential, CallerCredential> renewed,
    TimeSpan timeout)
{
    /// <summary>Never more often than this, whatever the credential says (one nearly ended by its certificate).</summary>
    private static readonly TimeSpan MinPeriod = TimeSpan.FromMilliseconds(200);

    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private int _state = (int)SessionState.Connected;
    private int _stopped;

    public SessionState State => (SessionState)Volatile.Read(ref _state);

    public event Action<SessionState>? StateChanged;

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Stops the heartbeats; true the first time.</summary>
    public async Task<bool> StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return false;
        _stop.Cancel();
        try { await _loop; } catch (OperationCanceledException) { }
        return true;
    }

    public void MarkClosed() => SetState(SessionState.Closed);

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var sent = credential();
            var period = Period(sent);
            try
            {
                await Task.Delay(State == SessionState.Connected ? period : TimeSpan.FromMilliseconds(200), _stop.Token);
                sent = credential();
                Caller.Use(sent);
                var info = await session.Heartbeat().WaitAsync(period, _stop.Token);
                if (info.Credential is { } fresh) renewed(sent, fresh);
                SetState(SessionState.Connected);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.SessionExpired)
            {
                SetState(SessionState.Expired);
                return;
            }
            catch (Exception)
            {
                // Gateway or silo away: the Orleans client fails over; keep trying until the grid expires us.
                SetState(SessionState.Disconnected);
            }
        }
    }

    /// <summary>A third of the timeout, or of the credential's lifetime when that is shorter (the grid's clock gives the
    /// lifetime, this one only the wait: no clocks are compared).</summary>
    private TimeSpan Period(CallerCredential current)
    {
        var lifetime = TimeSpan.FromMilliseconds(Math.Max(0, current.ExpiresAtMs - current.IssuedAtMs));
        var period = timeout / 3;
        if (lifetime / 3 < period) period = lifetime / 3;
        return period < MinPeriod ? MinPeriod : period;
    }

    private void SetState(SessionState state)
    {
        var previous = (SessionState)Interlocked.Exchange(ref _state, (int)state);
        if (previous != state && previous is not (SessionState.Expired or SessionState.Closed))
        {
            StateChanged?.Invoke(state);
        }
        else if (previous is SessionState.Expired or SessionState.Closed)
        {
            Volatile.Write(ref _state, (int)previous);
        }
    }
}
