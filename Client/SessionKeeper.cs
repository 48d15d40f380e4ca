using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Sessions;

namespace OrleansCoord.Client;

/// <summary>Sends the session's heartbeats, a third of the timeout apart, and tracks its state.</summary>
/// <remarks>Each heartbeat carries the session's credential: the session grain answers nobody else.</remarks>
internal sealed class SessionKeeper(ISessionGrain session, Func<CallerCredential> credential, TimeSpan timeout)
{
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
        var period = timeout / 3;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(State == SessionState.Connected ? period : TimeSpan.FromMilliseconds(200), _stop.Token);
                Caller.Use(credential());
                await session.Heartbeat().WaitAsync(period, _stop.Token);
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
