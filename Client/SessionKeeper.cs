using OrleansCoord.Acls;
using OrleansCoord.Sessions;
using OrleansCoord.SessionLayer;

namespace OrleansCoord.Client;

/// <summary>Keeps the session alive with the session layer's keep-alive (<see cref="SessionKeepAlive"/>) and tracks its
/// state from what the heartbeats find.</summary>
/// <remarks>Each heartbeat carries the session's credential: the session grain answers nobody else, and answers it
/// renewed (docs/adr/017), which <paramref name="renewed"/> takes in place of the one sent. Heartbeats go a third of the
/// timeout (or of the credential's lifetime, if shorter) apart, 200 ms apart while the grid is out of reach.</remarks>
internal sealed class SessionKeeper(ISessionGrain session, Func<CallerCredential> credential, Action<CallerCredential, CallerCredential> renewed,
    TimeSpan timeout)
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private int _state = (int)SessionState.Connected;
    private int _stopped;

    public SessionState State => (SessionState)Volatile.Read(ref _state);

    public event Action<SessionState>? StateChanged;

    public void Start()
    {
        var keepAlive = new SessionKeepAlive(session.Heartbeat, Rules(timeout, credential, renewed), Heard);
        _loop = Task.Run(() => keepAlive.RunAsync(_stop.Token));
    }

    /// <summary>The SDK's keep-alive timing: paced by the credential's lifetime too, whose renewal each beat answers;
    /// each beat bounded by the period; the grid out of reach tried again soon.</summary>
    public static KeepAliveRules Rules(TimeSpan timeout, Func<CallerCredential> credential, Action<CallerCredential, CallerCredential>? renewed) => new()
    {
        SessionTimeout = timeout,
        Credential = credential,
        Renewed = renewed,
        PaceByCredential = true,
        BoundEachBeat = true,
        RetryAfterUnreachable = KeepAliveRules.MinPeriod,
    };

    /// <summary>Stops the heartbeats; true the first time.</summary>
    public async Task<bool> StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return false;
        _stop.Cancel();
        try { await _loop; } catch (OperationCanceledException) { }
        return true;
    }

    public void MarkClosed() => SetState(SessionState.Closed);

    /// <summary>The SDK's heartbeat is never answered Moved (only a wire connection's is): anything but an ended session
    /// is the grid out of reach for now.</summary>
    private void Heard(SessionBeat beat) => SetState(beat switch
    {
        SessionBeat.Alive => SessionState.Connected,
        SessionBeat.Expired => SessionState.Expired,
        _ => SessionState.Disconnected,
    });

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
