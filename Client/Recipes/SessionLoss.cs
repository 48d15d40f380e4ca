namespace OrleansCoord.Client.Recipes;

/// <summary>A token cancelled when the client's session ends (expired or closed): what it held is gone.</summary>
internal sealed class SessionLoss : IDisposable
{
    private readonly CoordClient _client;
    private readonly CancellationTokenSource _lost = new();

    public SessionLoss(CoordClient client)
    {
        _client = client;
        _client.StateChanged += OnState;
        if (_client.State is SessionState.Expired or SessionState.Closed) _lost.Cancel();
    }

    public CancellationToken Token => _lost.Token;

    public void Dispose() => _client.StateChanged -= OnState;

    private void OnState(SessionState state)
    {
        if (state is SessionState.Expired or SessionState.Closed) _lost.Cancel();
    }
}
