using OrleansCoord.Errors;

namespace OrleansCoord.Client.Recipes;

/// <summary>
/// A held lock, read or write lock, or semaphore lease. Dispose (or <see cref="ReleaseAsync"/>) releases it; it
/// is also released by the grid when the session ends.
/// </summary>
public sealed class LockHandle : IAsyncDisposable
{
    private readonly LeasePolls _polls;
    private readonly HeldGrant _grant;
    private readonly SessionLoss _loss;
    private int _released;
    private bool _releaseUncertain;

    internal LockHandle(LeasePolls polls, HeldGrant grant) => (_polls, _grant, _loss) = (polls, grant, new SessionLoss(polls.Client));

    /// <summary>The recipe's name.</summary>
    public string Name => _grant.Name;

    /// <summary>Strictly increases with every grant of this lock (a reentrant acquire keeps the holder's token).
    /// Pass it to the resource the lock protects, so that it can refuse a holder whose token is older.</summary>
    public long FencingToken => _grant.Token;

    /// <summary>Cancelled when the session ends (expired or closed), or the client has been cut off from the grid
    /// for half the session timeout: the grid has released the hold, or may release it any moment.</summary>
    public CancellationToken Lost => _loss.Token;

    /// <summary>True once released through this handle.</summary>
    public bool IsReleased => Volatile.Read(ref _released) == 1;

    /// <summary>Releases the hold (one level of a reentrant hold). Fails with BadArguments when the grid no longer
    /// has it (the session ended meanwhile). A second call does nothing, unless the first failed with an unknown
    /// outcome (ConnectionLoss, OperationTimeout, SystemError): then it tries again.</summary>
    public async Task ReleaseAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1) return;
        try
        {
            await _polls.ReleaseAsync(_grant);
        }
        catch (CoordException exception) when (exception.Code is CoordErrorCode.ConnectionLoss or CoordErrorCode.OperationTimeout or CoordErrorCode.SystemError)
        {
            // The grid may still hold it: releasing again must be possible (a release names its grant, so it is safe).
            _releaseUncertain = true;
            Volatile.Write(ref _released, 0);
            throw;
        }
        catch (CoordException exception) when (exception.Code == CoordErrorCode.BadArguments && _releaseUncertain)
        {
            // Gone: released by the earlier call whose outcome was unknown.
        }
        catch (CoordException)
        {
            _loss.Dispose();
            throw;
        }

        _loss.Dispose();
    }

    /// <summary>Releases the hold unless the session has already ended (then the grid has released it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_polls.Client.State is SessionState.Expired or SessionState.Closed)
        {
            Volatile.Write(ref _released, 1);
            _loss.Dispose();
            return;
        }

        await ReleaseAsync();
    }
}
