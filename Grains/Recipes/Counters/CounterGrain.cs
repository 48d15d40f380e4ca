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
    private RecipeRecord<CounterState> _record = null!;
    private GroupedDecisions<CounterState, PendingChange, CounterCasResult> _changes = null!;
    private string _subject = "";
    private RecipeAclGuard _acl = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var name = this.GetPrimaryKeyString();
        _subject = RecipeNameRules.Subject("counter", name);
        _record = new RecipeRecord<CounterState>(store, KeyPrefix + name, _subject, DeactivateOnIdle, regression, logger);
        _changes = new(_gate, _record, state => state.Recent, DecideGroupAsync);
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
        return (await _changes.DecideAsync(new PendingChange(requestId, Caller.Credential, value =>
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
        return await _changes.DecideAsync(new PendingChange(requestId, Caller.Credential, value =>
            (value == expected ? new CounterCasResult(true, newValue) : new CounterCasResult(false, value), null)));
    }

    /// <summary>
    /// Applies the queued changes in arrival order to the stored value, each seeing the ones before it, for one commit.
    /// A change that fails (overflow) or does not swap changes nothing; on a conflict no change of the group is answered
    /// from this activation's view, only from the stored record's request ids (<see cref="GroupedDecisions{TState,TRequest,TOutcome}"/>).
    /// </summary>
    private async Task<GroupCommit<CounterState>?> DecideGroupAsync(IReadOnlyList<PendingChange> group)
    {
        var current = await _record.LoadAsync();
        var (value, recent) = (current?.Value ?? 0, current?.Recent);
        var changed = false;
        foreach (var change in group)
        {
            // Each change is checked with its own caller's credential against the ACL it is decided under.
            var (outcome, error) = _acl.Refuses(current?.Acl, AclPerms.Write, change.Credential) is { } refused ? (null, refused) : change.Apply(value);
            if (error is not null)
            {
                change.Fail(error);
                continue;
            }

            change.Answer(outcome!);
            if (outcome is { Succeeded: true })
            {
                (value, changed) = (outcome.Value, true);
                recent = RecentRequests.With(recent, change.RequestId, outcome);
            }
        }

        return changed ? new GroupCommit<CounterState>(new CounterState(value, recent!, current?.Acl)) : null;
    }

    private void Validate() => RecipeNameRules.Validate("counter", this.GetPrimaryKeyString());

    /// <summary>A change waiting to be decided: what it does to the value it finds (an outcome, or an error that changes nothing).</summary>
    private sealed record PendingChange(Guid RequestId, CallerCredential? Credential, Func<long, (CounterCasResult? Outcome, Exception? Error)> Apply)
        : PendingRequest<CounterCasResult>(RequestId);
}
