using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Recipes;

namespace OrleansCoord.Grains.Recipes;

/// <summary>
/// The rules of a recipe applied to a copy of its committed record: reentry, release, and granting queued
/// waiters in FIFO order. Pure: the grain commits <see cref="Writes"/> and only then applies the outcome.
/// </summary>
internal sealed class LeaseDraft(LeaseKind kind, LeaseRecord committed)
{
    // Each grant may add an index row and a fence touch: 30 grants fit the smallest store's commit (Azure Table, 96).
    private const int MaxGrantsPerCommit = 30;

    private readonly List<LeaseHold> _holds = [.. committed.Holds];
    private readonly HashSet<long> _touched = [];
    private long _lastToken = committed.LastToken;
    private int _limit = committed.Limit;
    private AclEntry[]? _acl = committed.Acl;

    /// <summary>Waiters granted by <see cref="Promote"/>, with their tokens.</summary>
    public List<(LeaseWaiter Waiter, long Token)> Granted { get; } = [];

    /// <summary>Waiters that can never be granted (a semaphore asked with another number of leases).</summary>
    public List<(LeaseWaiter Waiter, CoordException Error)> Rejected { get; } = [];

    /// <summary>True when something must be committed.</summary>
    public bool Changed { get; private set; }

    /// <summary>True when a promotion stopped at the per-commit bound with more waiters to grant.</summary>
    public bool MoreToPromote { get; private set; }

    public LeaseHold? FindGrant(Guid grantId) => _holds.FirstOrDefault(h => h.Grants.Contains(grantId));

    public bool HoldsAnything(long sessionId) => _holds.Any(h => h.SessionId == sessionId);

    /// <summary>A reentrant acquire by a current holder: the same token, one more grant. Null when not a reentry.</summary>
    public long? TryReenter(LeaseAcquire request, bool throwOnUpgrade = true)
    {
        if (kind == LeaseKind.Semaphore) return null;
        var index = _holds.FindIndex(h => h.IsHeldBy(request.SessionId, request.Holder, request.Mode));
        if (index >= 0)
        {
            var hold = _holds[index];
            _holds[index] = hold with { Grants = [.. hold.Grants, request.WaiterId] };
            Touch(request.SessionId);
            return hold.Token;
        }

        if (kind != LeaseKind.ReadWriteLock) return null;
        var other = request.Mode == LeaseMode.Shared ? LeaseMode.Exclusive : LeaseMode.Shared;
        if (!_holds.Any(h => h.IsHeldBy(request.SessionId, request.Holder, other))) return null;
        if (request.Mode == LeaseMode.Shared) return AddHold(request); // a writer may also read
        if (throwOnUpgrade)
        {
            throw CoordException.BadArguments(request.Holder, "cannot upgrade a read lock to a write lock; release the read lock first");
        }

        return null;
    }

    /// <summary>Throws BadArguments when a semaphore is asked with another number of leases than its holders use.</summary>
    public void CheckLimit(LeaseAcquire request)
    {
        if (LimitMismatch(request) is { } error) throw error;
    }

    /// <summary>Ends one grant of the holder; false when it holds no such grant.</summary>
    public bool Release(long sessionId, string? holder, Guid grantId)
    {
        var index = _holds.FindIndex(h => h.SessionId == sessionId && (holder is null || h.Holder == holder) && h.Grants.Contains(grantId));
        if (index < 0) return false;
        var hold = _holds[index];
        var rest = hold.Grants.Where(g => g != grantId).ToArray();
        if (rest.Length == 0) _holds.RemoveAt(index);
        else _holds[index] = hold with { Grants = rest };
        Changed = true;
        return true;
    }

    /// <summary>Ends every hold of the session.</summary>
    public void ReleaseSession(long sessionId)
    {
        if (_holds.RemoveAll(h => h.SessionId == sessionId) > 0) Changed = true;
    }

    /// <summary>Grants what the queue's order allows: grants already made (a lost reply), reentries, then waiters
    /// from the head while they fit. A waiter that does not fit stops the rest, so a writer is not starved.</summary>
    public void Promote(IReadOnlyList<LeaseWaiter> queue)
    {
        var pending = new List<LeaseWaiter>(queue.Count);
        foreach (var waiter in queue)
        {
            if (FindGrant(waiter.Request.WaiterId) is { } held) Granted.Add((waiter, held.Token));
            else if (TryReenter(waiter.Request, throwOnUpgrade: false) is { } token) Granted.Add((waiter, token));
            else pending.Add(waiter);
        }

        foreach (var waiter in pending)
        {
            if (Granted.Count >= MaxGrantsPerCommit)
            {
                MoreToPromote = true;
                return;
            }

            if (LimitMismatch(waiter.Request) is { } error)
            {
                Rejected.Add((waiter, error));
                continue;
            }

            if (!Fits(waiter.Request)) return;
            Granted.Add((waiter, AddHold(waiter.Request)));
        }
    }

    /// <summary>Replaces the recipe's ACL (null: open); the holds stay as they are.</summary>
    public void SetAcl(AclEntry[]? acl)
    {
        _acl = acl;
        Changed = true;
    }

    public LeaseRecord ToRecord() => new(_lastToken, _limit, [.. _holds], _acl);

    /// <summary>The commit: the record (on its token), the sessions' index rows, and the fences of the sessions granted.</summary>
    public List<RecordWrite> Writes(string grainKey, byte[] record, string? token)
    {
        var recordKey = RecipeKeys.Record(grainKey);
        var writes = new List<RecordWrite> { token is null ? RecordWrite.Insert(recordKey, record) : RecordWrite.Replace(recordKey, record, token) };
        var before = committed.Holds.Select(h => h.SessionId).ToHashSet();
        var after = _holds.Select(h => h.SessionId).ToHashSet();
        writes.AddRange(after.Except(before).Select(s => RecordWrite.Insert(RecipeKeys.HoldIndex(s, grainKey), [])));
        writes.AddRange(before.Except(after).Select(s => RecordWrite.Delete(RecipeKeys.HoldIndex(s, grainKey), "*")));
        writes.AddRange(_touched.Where(after.Contains).Select(s => RecordWrite.Touch(TreeKeys.SessionFence(s))));
        return writes;
    }

    private bool Fits(LeaseAcquire request) => kind switch
    {
        LeaseKind.Semaphore => _holds.Count < (_holds.Count == 0 ? request.Limit : _limit),
        LeaseKind.ReadWriteLock when request.Mode == LeaseMode.Shared => _holds.All(h => h.Mode == LeaseMode.Shared),
        _ => _holds.Count == 0,
    };

    private CoordException? LimitMismatch(LeaseAcquire request) =>
        kind == LeaseKind.Semaphore && _holds.Count > 0 && request.Limit != _limit
            ? CoordException.BadArguments(request.Holder, $"the semaphore has {_limit} leases, not {request.Limit}")
            : null;

    private long AddHold(LeaseAcquire request)
    {
        if (kind == LeaseKind.Semaphore && _holds.Count == 0) _limit = request.Limit;
        _holds.Add(new LeaseHold(request.SessionId, request.Holder, request.Mode, ++_lastToken, [request.WaiterId]));
        Touch(request.SessionId);
        return _lastToken;
    }

    private void Touch(long sessionId)
    {
        _touched.Add(sessionId);
        Changed = true;
    }
}
