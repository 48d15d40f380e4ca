namespace OrleansCoord.Client.Recipes;

/// <summary>
/// Leadership won by a campaign. It lasts until <see cref="ResignAsync"/> (or dispose), or until the session ends:
/// then <see cref="Lost"/> is cancelled and the next candidate leads.
/// </summary>
public sealed class Leadership : IAsyncDisposable
{
    private readonly LockHandle _hold;

    internal Leadership(LeasePolls polls, HeldGrant grant)
    {
        _hold = new LockHandle(polls, grant);
        CandidateId = grant.Holder;
    }

    public string CandidateId { get; }

    /// <summary>The term: strictly greater than every earlier leader's of this election.</summary>
    public long Term => _hold.FencingToken;

    /// <summary>Cancelled when the session that won ends (expired or closed), or the client has been cut off from
    /// the grid for half the session timeout: this candidate no longer leads, or may stop leading any moment.</summary>
    public CancellationToken Lost => _hold.Lost;

    /// <summary>Steps down; the next candidate leads. A second call does nothing, unless the first failed with an
    /// unknown outcome (ConnectionLoss, OperationTimeout, SystemError): then it tries again.</summary>
    public Task ResignAsync() => _hold.ReleaseAsync();

    public ValueTask DisposeAsync() => _hold.DisposeAsync();
}
