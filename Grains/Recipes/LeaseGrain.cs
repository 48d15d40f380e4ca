using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Serialization;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Storage.Records;
using OrleansCoord.Recipes;

namespace OrleansCoord.Grains.Recipes;

/// <summary>
/// One lock, read/write lock, semaphore or election. Holders live in one tree-store record committed before any
/// grant or release is acknowledged; waiters queue in memory and long-poll (docs/adr/007-recipe-waits.md).
/// Reentrant, so that parked polls do not block other calls; every change goes through <see cref="_gate"/>.
/// The record's ACL decides who may acquire (CREATE), observe (READ) and change the ACL (ADMIN); releasing and
/// cancelling one's own always pass (docs/adr/018-recipe-acls.md).
/// </summary>
[Reentrant]
[GrainType("lease")]
[RandomPlacement]
internal sealed partial class LeaseGrain(ITreeStore store, Serializer serializer, CallerCredentials credentials, StorageRegressionGuard regression,
    IOptions<CoordGridOptions> options, TimeProvider time, ILogger<LeaseGrain> logger)
    : Grain, ILeaseGrain, ILeaseMaintenanceGrain
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<LeaseWaiter> _queue = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _grainKey = "";
    private LeaseKind? _kind;
    private RecordBridge<LeaseRecord> _lease = null!;
    private LeaseRecordCodec _codec = null!;
    private Action<LeaseRecord> _witness = null!;
    private bool _retired;
    private DateTimeOffset _verifiedAt;
    private RecipeAclGuard _acl = null!;

    private static readonly TimeSpan VerifyPeriod = TimeSpan.FromSeconds(5);

    private LeaseKind Kind => _kind ?? throw CoordException.BadArguments(_grainKey, "not a recipe key (kind:name)");

    /// <summary>Waiters queued now (read by <see cref="RecipeMeter"/> from outside the grain's turn: a gauge's snapshot).</summary>
    internal int WaiterCount => Volatile.Read(ref _waiterCount);

    internal LeaseKind? KindForMetrics => _kind;

    private int _waiterCount;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        RecipeMeter.Track(this);
        _grainKey = this.GetPrimaryKeyString();
        var key = RecipeKeys.Record(_grainKey);
        _codec = new LeaseRecordCodec(serializer);
        // A storage failure voids the cache (a grant that landed is found by its waiter id); a conflict retires.
        _lease = new RecordBridge<LeaseRecord>(store, key, _grainKey, _codec, RecordPolicy.RetireOnConflictOnly, logger, RetireActivation);
        // A store that lost a grant would have the next activation hand out its fencing token a second time.
        _witness = read => regression.Witness(key, read.LastToken, _grainKey, "last fencing token");
        _acl = new RecipeAclGuard(credentials, options.Value.SuperDigest, _grainKey);
        var colon = _grainKey.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && Enum.TryParse<LeaseKind>(_grainKey[..colon], out var kind) && Enum.IsDefined(kind))
        {
            try
            {
                RecipeLimits.ValidateName(_grainKey[(colon + 1)..]);
                _kind = kind;
            }
            catch (CoordException)
            {
                // Not a recipe key: every call answers BadArguments (see Kind).
            }
        }

        // ACL checks are synchronous once the identity key is loaded.
        await _acl.ReadyAsync();
    }

    /// <summary>Grants, releases and cancels name a session: only its holder may (docs/adr/013-identities.md). The
    /// grid's own release of an ended session's holds (<see cref="ReleaseSession"/>) is not a caller's.</summary>
    private async Task DemandSessionAsync(long sessionId)
    {
        await credentials.ReadyAsync();
        credentials.DemandSession(Caller.Credential, sessionId);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Parked polls answer "not yet"; their clients poll again and reach the next activation.
        DropWaiters(_ => true, null);
        RecipeMeter.Untrack(this);
        return Task.CompletedTask;
    }

    public async Task<LeaseGrant> Acquire(LeaseAcquire request)
    {
        LeaseRequestRules.Validate(Kind, request);
        await DemandSessionAsync(request.SessionId);
        var credential = Caller.Credential;
        LeaseWaiter waiter;
        await EnterAsync();
        try
        {
            var committed = await LoadAsync();
            if (committed.Holds.FirstOrDefault(h => h.Grants.Contains(request.WaiterId)) is { } held)
            {
                // Granted while the client was between polls (or the reply was lost).
                _queue.RemoveAll(w => w.Request.WaiterId == request.WaiterId);
                return new LeaseGrant(true, held.Token);
            }

            if (!_acl.Allows(committed.Acl, AclPerms.Create, credential))
            {
                // Refused (also a waiter whose ACL changed between its polls): leave no place in the queue behind.
                DropWaiters(w => w.Request.WaiterId == request.WaiterId, null);
                throw _acl.Refusal(AclPerms.Create);
            }

            if (_queue.Find(w => w.Request.WaiterId == request.WaiterId) is { } queued)
            {
                queued.Polled(time.GetUtcNow());
                waiter = queued;
                await VerifyCurrentAsync(always: false);
            }
            else
            {
                var check = new LeaseDraft(Kind, committed);
                check.CheckLimit(request);
                check.TryReenter(request);
                waiter = new LeaseWaiter(request, credential, time.GetUtcNow());
                _queue.Add(waiter);
                try
                {
                    await MutateAsync(_ => 0);
                    if (!waiter.IsDone) await VerifyCurrentAsync(always: false);
                }
                catch
                {
                    _queue.Remove(waiter);
                    throw;
                }
            }
        }
        finally
        {
            Leave();
        }

        return await waiter.WaitAsync(request.WaitMs, time);
    }

    public async Task Release(long sessionId, string holder, Guid grantId)
    {
        _ = Kind;
        RecipeLimits.ValidateHolder(holder, allowEmpty: true);
        await DemandSessionAsync(sessionId);
        await EnterAsync();
        try
        {
            if (!await MutateAsync(draft => draft.Release(sessionId, holder, grantId)))
            {
                await VerifyCurrentAsync(always: true);
                throw CoordException.BadArguments(_grainKey, $"not held by holder '{holder}' of session 0x{sessionId:x16}");
            }
        }
        finally
        {
            Leave();
        }
    }

    public async Task Cancel(long sessionId, Guid waiterId)
    {
        _ = Kind;
        await DemandSessionAsync(sessionId);
        await EnterAsync();
        try
        {
            DropWaiters(w => w.Request.WaiterId == waiterId && w.Request.SessionId == sessionId, null);
            await MutateAsync(draft => draft.Release(sessionId, null, waiterId));
        }
        finally
        {
            Leave();
        }
    }

    public async Task ReleaseSession(long sessionId)
    {
        await EnterAsync();
        try
        {
            DropWaiters(w => w.Request.SessionId == sessionId, CoordException.SessionExpired(sessionId));
            var held = await MutateAsync(draft =>
            {
                var had = draft.HoldsAnything(sessionId);
                draft.ReleaseSession(sessionId);
                return had;
            });
            if (!held) await DeleteStrayIndexRowAsync(sessionId);
        }
        finally
        {
            Leave();
        }
    }

    public async Task<LeaseInspection> Inspect()
    {
        _ = Kind;
        await EnterAsync();
        try
        {
            var record = await LoadAsync();
            await VerifyCurrentAsync(always: false);
            var waiters = _queue.Where(w => !w.IsDone).Select(w => new LeaseWaiting(w.Request.SessionId, w.Request.Holder, w.Request.Mode)).ToArray();
            return new LeaseInspection(record.ToView() with { Waiters = waiters.Length }, record.Limit, waiters);
        }
        finally
        {
            Leave();
        }
    }

    public async Task<LeaseView> Observe(long knownToken, int knownHolders, int waitMs)
    {
        _ = Kind;
        LeaseRequestRules.ValidateWait(waitMs);
        var credential = Caller.Credential;
        Task changed;
        await EnterAsync();
        try
        {
            var view = await ViewAsync(credential);
            if (view.LastToken != knownToken || view.Holders.Length != knownHolders) return view;
            changed = _changed.Task;
        }
        finally
        {
            Leave();
        }

        await Task.WhenAny(changed, Task.Delay(TimeSpan.FromMilliseconds(waitMs), time));
        await EnterAsync();
        try
        {
            return await ViewAsync(credential);
        }
        finally
        {
            Leave();
        }
    }

    public async Task<AclEntry[]> GetAcl()
    {
        _ = Kind;
        var credential = Caller.Credential;
        await EnterAsync();
        try
        {
            var record = await LoadAsync();
            await VerifyCurrentAsync(always: false);
            return _acl.Visible(record.Acl, credential);
        }
        finally
        {
            Leave();
        }
    }

    public async Task SetAcl(AclEntry[] acl)
    {
        _ = Kind;
        var credential = Caller.Credential;
        await EnterAsync();
        try
        {
            var replacement = _acl.Replacement((await LoadAsync()).Acl, acl, credential);
            // Waiters queued under the old ACL that the new one refuses go; their next poll answers NoAuth.
            DropWaiters(w => !_acl.Allows(replacement, AclPerms.Create, w.Credential), null);
            await MutateAsync(draft =>
            {
                draft.SetAcl(replacement);
                return 0;
            });
        }
        finally
        {
            Leave();
        }
    }

    private async Task<LeaseView> ViewAsync(CallerCredential? credential)
    {
        var record = await LoadAsync();
        _acl.Demand(record.Acl, AclPerms.Read, credential);
        await VerifyCurrentAsync(always: false);
        return record.ToView() with { Waiters = _queue.Count };
    }

    /// <summary>Ends a turn under the gate; the waiters gauge reads the queue's length as the turn left it.</summary>
    private void Leave()
    {
        Volatile.Write(ref _waiterCount, _queue.Count);
        _gate.Release();
    }

    private async Task EnterAsync()
    {
        await _gate.WaitAsync();
        if (_retired)
        {
            _gate.Release();
            throw new RetryableConflictException($"recipe {_grainKey} moved to another activation; retry");
        }
    }

    private async Task<LeaseRecord> LoadAsync()
    {
        regression.ThrowIfDetected(_grainKey);
        if (_lease.Loaded) return _lease.Value ?? LeaseRecord.Empty;
        var record = await _lease.LoadAsync(_witness) ?? LeaseRecord.Empty;
        _verifiedAt = time.GetUtcNow();
        return record;
    }

    /// <summary>
    /// Answers that write nothing (wait, not held, a view) come from memory, which a duplicate activation may hold
    /// outdated (docs/adr/005-grain-directory.md). So they are checked against storage: always for a refusal, at
    /// most every <see cref="VerifyPeriod"/> for polls and views. Outdated: this activation retires.
    /// </summary>
    private async Task VerifyCurrentAsync(bool always)
    {
        var now = time.GetUtcNow();
        if (!always && now - _verifiedAt < VerifyPeriod) return;
        if (await _lease.ReadTokenAsync() != _lease.Token)
        {
            _lease.Conflicted(_lease.Key);
            throw new RetryableConflictException($"recipe {_grainKey} was changed by another activation; retry");
        }

        _verifiedAt = now;
    }

    private void DropWaiters(Predicate<LeaseWaiter> which, Exception? failure)
    {
        foreach (var waiter in _queue.FindAll(which)) waiter.Drop(failure);
        _queue.RemoveAll(which);
    }

    /// <summary>A hold row left without a hold (should not happen: they are written together); delete it so
    /// that the ending session is not stuck retrying.</summary>
    private async Task DeleteStrayIndexRowAsync(long sessionId)
    {
        var key = RecipeKeys.HoldIndex(sessionId, _grainKey);
        var row = await TreeStoreErrors.Translate(_grainKey, () => store.ReadAsync(key));
        if (row is not null) await TreeStoreErrors.Translate(_grainKey, () => store.CommitAsync([RecordWrite.Delete(key, row.Token)]));
    }
}
