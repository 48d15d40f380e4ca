namespace OrleansCoord.Client.Recipes;

/// <summary>
/// A token cancelled when what the session holds may be gone: the session ended (expired or closed), or the client
/// has been cut off from the grid for half the session timeout. A heartbeat fails at most a third of the timeout
/// after the last one that arrived, so by then the grid may release the hold within a sixth of the timeout.
/// Like Curator's SUSPENDED/LOST, this is the client's best knowledge; fencing tokens are what protects a resource.
/// </summary>
internal sealed class SessionLoss : IDisposable
{
    private readonly CoordClient _client;
    private readonly CancellationTokenSource _lost = new();
    private readonly object _lock = new();
    private ITimer? _cutOff;

    public SessionLoss(CoordClient client)
    {
        _client = client;
        _client.StateChanged += OnState;
        OnState(_client.State);
    }

    public CancellationToken Token => _lost.Token;

    public void Dispose()
    {
        _client.StateChanged -= OnState;
        lock (_lock) _cutOff?.Dispose();
    }

    private void OnState(SessionState state)
    {
        lock (_lock)
        {
            switch (state)
            {
                case SessionState.Expired or SessionState.Closed:
                    _lost.Cancel();
                    break;
                case SessionState.Disconnected:
                    _cutOff ??= TimeProvider.System.CreateTimer(_ => _lost.Cancel(), null, _client.SessionTimeout / 2, Timeout.InfiniteTimeSpan);
                    break;
                default:
                    _cutOff?.Dispose();
                    _cutOff = null;
                    break;
            }
        }
    }
}
