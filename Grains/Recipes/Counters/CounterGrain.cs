using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.Recipes.Records;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Recipes;
using OrleansCoord.Recipes.Counters;

namespace OrleansCoord.Grains.Recipes.Counters;

/// <summary>
/// A counter: one record (<c>rc:</c> + name) in the tree store, replaced conditionally for every change before the
/// change is acknowledged. Changes apply one at a time, in arrival order; changes that queued while a commit was in
/// flight are decided together and share the next commit (docs/adr/008). Reentrant only so that they can queue.
/// The record's ACL decides who may read (READ), change (WRITE) and administer (ADMIN) it (docs/adr/018-recipe-acls.md).
/// </summary>
[Reentrant]
[GrainType("recipe-counter")]
[RandomPlacement]
internal sealed class CounterGrain(ITreeStore store, StorageRegressionGuard regression, CallerCredentials credentials, IOptions<CoordGridOptions> options,
    ILogger<CounterGrain> logger) : Grain, ICounterGrain
{
    public const string KeyPrefix = "rc:";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<PendingChange> _pending = new();
    private RecipeRecord<CounterState> _record = null!;
    private string _subject = "";
    private RecipeAclGuard _acl = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var name = this.GetPrimaryKeyString();
        _subject = RecipeNameRules.Subject("counter", name);
        _record = new RecipeRecord<CounterState>(store, KeyPrefix + name, _subject, DeactivateOnIdle, regression, logger);
        _acl = new RecipeAclGuard(credentials, options.Value.SuperDigest, _subject);
        await _acl.ReadyAsync();
    }

    public async Task<long> Get()
    {
        Validate();
        var credential = Caller.Credential;
        var state = await _record.LoadAsync();
        _acl.Demand(state?.Acl, AclPerms.Read, credential);
        return state?.Value ?? 0;
    }

    public async Task<AclEntry[]> GetAcl()
    {
        Validate();
        var credential = Caller.Credential;
        return _acl.Visible((await _record.LoadAsync())?.Acl, credential);
    }

    public async Task SetAcl(AclEntry[] acl)
    {
        Validate();
        var credential = Caller.Credential;
        await _gate.WaitAsync();
        try
        {
            var current = await _record.LoadAsync();
            var replacement = _acl.Replacement(current?.Acl, acl, credential);
            // Before the counter's first change too: the record is made with value 0 and the ACL.
            var next = (current ?? new CounterState(0, [])) with { Acl = replacement };
            if (await _record.CommitAsync(next) is { } conflict) throw _record.ConflictError(conflict);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<long> Add(Guid requestId, long delta)
    {
        Validate();
        return (await DecideAsync(new PendingChange(requestId, Caller.Credential, value =>
        {
            try
            {
                var next = checked(value + delta);
                return (new CounterCasResult(true, next), null);
            }
            catch (OverflowException)
            {
                return (null, CoordException.BadArguments(_subject, $"adding {delta} to {value} overflows a 64-bit counter"));
            }
        }))).Value;
    }

    public async Task<CounterCasResult> CompareAndSet(Guid requestId, long expected, long newValue)
    {
        Validate();
        return await DecideAsync(new PendingChange(requestId, Caller.Credential, value =>
            (value == expected ? new CounterCasResult(true, newValue) : new CounterCasResult(false, value), null)));
    }

    private async Task<CounterCasResult> DecideAsync(PendingChange change)
    {
        _pending.Enqueue(change);
        await _gate.WaitAsync();
        try
        {
            while (!change.Decided.Task.IsCompleted) await DecideGroupAsync();
        }
        finally
        {
            _gate.Release();
        }

        return await change.Decided.Task;
    }

    /// <summary>
    /// Applies the queued changes in arrival order to the stored value, each seeing the ones before it, and commits the
    /// result once (at most the request window's worth, so that each change's outcome stays findable after a conflict).
    /// A change that fails (overflow) or does not swap changes nothing; on a conflict no change of the group is answered
    /// from this activation's view, only from the stored record's request ids.
    /// </summary>
    private async Task DecideGroupAsync()
    {
        var group = new List<PendingChange>();
        while (group.Count < RecentRequests.Window && _pending.TryDequeue(out var next)) group.Add(next);
        try
        {
            var current = await _record.LoadAsync();
            var (value, recent) = (current?.Value ?? 0, current?.Recent);
            var outcomes = new (CounterCasResult? Outcome, Exception? Error)[group.Count];
            var changed = false;
            for (var i = 0; i < group.Count; i++)
            {
                // Each change is checked with its own caller's credential against the ACL it is decided under.
                outcomes[i] = _acl.Refuses(current?.Acl, AclPerms.Write, group[i].Credential) is { } refused
                    ? (null, refused)
                    : group[i].Apply(value);
                if (outcomes[i].Outcome is { Succeeded: true } swapped)
                {
                    (value, changed) = (swapped.Value, true);
                    recent = RecentRequests.With(recent, group[i].RequestId, swapped);
                }
            }

            if (changed && await _record.CommitAsync(new CounterState(value, recent!, current?.Acl)) is { } conflict)
            {
                foreach (var change in group)
                {
                    if (RecentRequests.Find(conflict.Current?.Recent, change.RequestId) is { } landed) change.Decided.TrySetResult(landed.Outcome);
                    else change.Decided.TrySetException(_record.ConflictError(conflict));
                }

                return;
            }

            for (var i = 0; i < group.Count; i++)
            {
                if (outcomes[i].Error is { } error) group[i].Decided.TrySetException(error);
                else group[i].Decided.TrySetResult(outcomes[i].Outcome!);
            }
        }
        catch (Exception exception)
        {
            foreach (var change in group) change.Decided.TrySetException(exception);
        }
    }

    private void Validate() => RecipeNameRules.Validate("counter", this.GetPrimaryKeyString());

    /// <summary>A change waiting to be decided: what it does to the value it finds (an outcome, or an error that changes nothing).</summary>
    private sealed record PendingChange(Guid RequestId, CallerCredential? Credential, Func<long, (CounterCasResult? Outcome, Exception? Error)> Apply)
    {
        public TaskCompletionSource<CounterCasResult> Decided { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
