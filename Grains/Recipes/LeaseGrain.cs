using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Serialization;
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
/// <remarks>This file holds the grain's state, its activation, the gate and the loading and checking of the record;
/// grants and releases are in LeaseGrain.Grants.cs, commits in LeaseGrain.Commit.cs, views in LeaseGrain.Views.cs and
/// the ACL in LeaseGrain.Acl.cs.</remarks>
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

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Parked polls answer "not yet"; their clients poll again and reach the next activation.
        DropWaiters(_ => true, null);
        RecipeMeter.Untrack(this);
        return Task.CompletedTask;
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
}
