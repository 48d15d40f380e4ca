namespace OrleansCoord.Client.Recipes;

/// <summary>
/// Leadership won by a campaign. It lasts until <see cref="ResignAsync"/> (or dispose), or until the session ends:
/// then <see cref="Lost"/> is cancelled and the next candidate leads.
/// </summary>
public sealed class Leadership : IAsyncDisposable
{
    private readonly LockHandle _hold;
    private readonly CoordClient _client;
    private readonly CancellationTokenSource _lost = new();

    internal Leadership(LeasePolls polls, HeldGrant grant)
    {
        _hold = new LockHandle(polls, grant);
        _client = polls.Client;
        CandidateId = grant.Holder;
        _client.StateChanged += OnSessionState;
        if (_client.State is SessionState.Expired or SessionState.Closed) _lost.Cancel();
    }

    public string CandidateId { get; }

    /// <summary>The term: strictly greater than every earlier leader's of this election.</summary>
    public long Term => _hold.FencingToken;

    /// <summary>Cancelled when the session that won ends (expired or closed): this candidate no longer leads.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Steps down; the next candidate leads.</summary>
    public Task ResignAsync()
    {
        _client.StateChanged -= OnSessionState;
        return _hold.ReleaseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _client.StateChanged -= OnSessionState;
        await _hold.DisposeAsync();
        _lost.Dispose();
    }

    private void OnSessionState(SessionState state)
    {
        if (state is SessionState.Expired or SessionState.Closed) _lost.Cancel();
    }
}
