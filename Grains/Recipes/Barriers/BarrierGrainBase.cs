using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.Recipes.Records;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Recipes;
using OrleansCoord.Recipes.Barriers;

namespace OrleansCoord.Grains.Recipes.Barriers;

/// <summary>
/// What both barriers share: a <see cref="BarrierState"/> record replaced conditionally for every entry, exit and
/// release before the reply; decisions one at a time under a gate; bounded waits that wake when the state changes;
/// and taking out participants whose session ended. Reentrant, so that waiting participants do not hold up entries.
/// The record's ACL decides who may enter (CREATE), see the status (READ) and change the ACL (ADMIN); waiting for and
/// leaving one's own entry always pass (docs/adr/018-recipe-acls.md).
/// </summary>
[Reentrant]
internal abstract class BarrierGrainBase(ITreeStore store, CallerCredentials credentials, TimeProvider time, ILogger logger) : Grain
{
    private static readonly TimeSpan PrunePeriod = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ChangeSignal _signal = new();
    private RecipeRecord<BarrierState> _record = null!;
    private DateTimeOffset _prunedAt = DateTimeOffset.MinValue;
    private RecipeAclGuard _acl = null!;

    protected abstract string Kind { get; }

    protected string Subject { get; private set; } = "";

    protected ITreeStore Store => store;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var name = this.GetPrimaryKeyString();
        Subject = RecipeNameRules.Subject(Kind, name);
        _record = new RecipeRecord<BarrierState>(store, KeyPrefix + Kind + ":" + name, Subject, () => { DeactivateOnIdle(); _signal.Raise(); },
            ServiceProvider.GetRequiredService<StorageRegressionGuard>(), logger);
        _acl = new RecipeAclGuard(credentials, ServiceProvider.GetRequiredService<IOptions<CoordGridOptions>>().Value.SuperDigest, Subject);
        await _acl.ReadyAsync();
    }

    /// <summary>Key prefix of barrier records: <c>rb:barrier:NAME</c>, <c>rb:doublebarrier:NAME</c>.</summary>
    public const string KeyPrefix = "rb:";

    public async Task<BarrierStatus> Status()
    {
        Validate();
        var credential = Caller.Credential;
        var state = await LoadAsync();
        _acl.Demand(state.Acl, AclPerms.Read, credential);
        return new BarrierStatus(state.Round, state.Count, state.Members.Count, state.Inside);
    }

    public async Task<AclEntry[]> GetAcl()
    {
        Validate();
        var credential = Caller.Credential;
        return _acl.Visible((await LoadAsync()).Acl, credential);
    }

    public Task SetAcl(AclEntry[] acl)
    {
        Validate();
        var credential = Caller.Credential;
        // Before the barrier's first entry too: the record is made empty with the ACL.
        return DecideAsync(Guid.NewGuid(), state => (state with { Acl = _acl.Replacement(state.Acl, acl, credential) }, 0),
            _ => 0, _ => new BarrierTicket(-1, false));
    }

    protected void Validate() => RecipeNameRules.Validate(Kind, this.GetPrimaryKeyString());

    /// <summary>
    /// Decides an entry: the count and the entrant's session are checked first; then, as <see cref="DecideAsync{T}"/>
    /// under the participant's id with its ticket recorded, the barrier's ACL must let the entrant in (CREATE) on the
    /// state <paramref name="decide"/> decides on. One place for both barriers, so that no entry goes unchecked.
    /// </summary>
    protected async Task<BarrierTicket> EnterAsync(Guid participantId, long sessionId, int count,
        Func<BarrierState, (BarrierState? Next, BarrierTicket Ticket)> decide)
    {
        Validate();
        if (count is < 1 or > BarrierLimits.MaxCount)
            throw CoordException.BadArguments(Subject, $"count must be 1 to {BarrierLimits.MaxCount}, got {count}");
        // A participant enters in its session's name: only that session's holder may (docs/adr/013-identities.md).
        await credentials.ReadyAsync();
        credentials.DemandSession(Caller.Credential, sessionId);
        if (!await _record.Guard(() => SessionLiveness.IsOpenAsync(store, sessionId))) throw CoordException.SessionExpired(sessionId);

        var credential = Caller.Credential;
        return await DecideAsync(participantId, state =>
        {
            _acl.Demand(state.Acl, AclPerms.Create, credential);
            return decide(state);
        }, ticket => ticket, ticket => ticket);
    }

    protected async Task<BarrierState> LoadAsync() => await _record.LoadAsync() ?? BarrierState.Empty;

    /// <summary>Runs one decision under the gate: <paramref name="decide"/> returns the new state (null: no change) and
    /// the answer; the state is committed before the answer is given. A request already decided gets its recorded answer.</summary>
    protected async Task<T> DecideAsync<T>(Guid requestId, Func<BarrierState, (BarrierState? Next, T Answer)> decide,
        Func<BarrierTicket, T> fromRecorded, Func<T, BarrierTicket> toRecorded)
    {
        await _gate.WaitAsync();
        try
        {
            var state = await LoadAsync();
            if (RecentRequests.Find(state.Recent, requestId) is { } decided) return fromRecorded(decided.Outcome);
            var (next, answer) = decide(state);
            if (next is null) return answer;
            next = next.Remembering(requestId, toRecorded(answer));
            if (await _record.CommitAsync(next) is { } conflict)
            {
                return RecentRequests.Find(conflict.Current?.Recent, requestId) is { } landed
                    ? fromRecorded(landed.Outcome)
                    : throw _record.ConflictError(conflict);
            }

            _signal.Raise();
            return answer;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Waits up to <paramref name="waitMs"/> (bounded) until <paramref name="done"/> holds, taking out participants of
    /// ended sessions now and then (through <paramref name="without"/>). Throws NoNode when <paramref name="lost"/> says the
    /// participant is no longer in the barrier.
    /// </summary>
    protected async Task<bool> WaitAsync(Guid participantId, int waitMs, Func<BarrierState, bool> done, Func<BarrierState, bool> lost,
        Func<BarrierState, HashSet<long>, BarrierState?> without)
    {
        Validate();
        if (waitMs < 0) throw CoordException.BadArguments(Subject, $"wait must not be negative, got {waitMs}");
        var until = time.GetUtcNow().AddMilliseconds(Math.Min(waitMs, BarrierLimits.MaxWaitMs));
        while (true)
        {
            var changed = _signal.Next;
            var state = await LoadAsync();
            if (done(state)) return true;
            if (lost(state)) throw new CoordException(CoordErrorCode.NoNode, Subject, $"participant {participantId} is not in the barrier (it left or its session ended)");
            await PruneAsync(without);

            var left = until - time.GetUtcNow();
            if (left <= TimeSpan.Zero) return false;
            await ChangeSignal.WaitAsync(changed, left < PrunePeriod ? left : PrunePeriod, time);
        }
    }

    /// <summary>Takes out participants whose session ended, at most every couple of seconds.</summary>
    private async Task PruneAsync(Func<BarrierState, HashSet<long>, BarrierState?> without)
    {
        if (time.GetUtcNow() - _prunedAt < PrunePeriod) return;
        _prunedAt = time.GetUtcNow();
        var state = await LoadAsync();
        var ended = await _record.Guard(() => SessionLiveness.EndedAsync(store, state.Members.Concat(state.Next).Select(m => m.SessionId)));
        if (ended.Count == 0) return;
        await DecideAsync(Guid.NewGuid(), current => (without(current, ended), 0), _ => 0, _ => new BarrierTicket(-1, false));
    }
}
