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
using OrleansCoord.Recipes.Queues;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Recipes.Queues;

/// <summary>
/// A queue: a head record (<see cref="QueueHead"/>) and one record per message under <c>rq:</c>. Each decision
/// (hand-out, ack, release; a group of puts) is one commit that replaces the head conditionally, made before the
/// reply, and decisions are taken one at a time under a gate; puts that queued for the gate share one commit. Reentrant, so that a take waiting for a message does not hold
/// up the put that brings it (docs/adr/008-queue-and-barrier-recipes.md). The head's ACL decides who may put (CREATE),
/// take, ack and give back (DELETE), see its length and peek (READ), and change the ACL (ADMIN) (docs/adr/018-recipe-acls.md).
/// </summary>
[Reentrant]
[GrainType("recipe-queue")]
[RandomPlacement]
internal sealed class QueueGrain(ITreeStore store, StorageRegressionGuard regression, CallerCredentials credentials, IOptions<CoordGridOptions> options,
    TimeProvider time, ILogger<QueueGrain> logger) : Grain, IQueueGrain, IQueueMaintenanceGrain
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string _name = "";
    private string _subject = "";
    private RecipeRecord<QueueHead> _head = null!;
    private GroupedDecisions<QueueHead, PendingPut, QueueOutcome> _puts = null!;
    private RecipeAclGuard _acl = null!;

    // Ids of the stored messages in hand-out order; null until listed (again, after the cache was voided).
    private SortedSet<string>? _messages;
    private readonly ChangeSignal _changed = new();
    private bool _retired;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _name = this.GetPrimaryKeyString();
        _subject = RecipeNameRules.Subject("queue", _name);
        _head = new RecipeRecord<QueueHead>(store, QueueKeys.Head(_name), _subject, Retire, regression, logger);
        _puts = new(_gate, _head, head => head.Recent, DecidePutsAsync, JoinsPuts);
        _acl = new RecipeAclGuard(credentials, options.Value.SuperDigest, _subject);
        await _acl.ReadyAsync();
    }

    public Task<AclEntry[]> GetAcl()
    {
        var credential = Caller.Credential;
        return Gated(async () => _acl.Visible((await _head.LoadAsync())?.Acl, credential));
    }

    public Task SetAcl(AclEntry[] acl)
    {
        var credential = Caller.Credential;
        return Gated(async () =>
        {
            var (head, _) = await LoadAsync();
            // Before the queue's first put too: the head is made empty with the ACL.
            if (await _head.CommitAsync(head with { Acl = _acl.Replacement(head.Acl, acl, credential) }) is { } conflict)
                throw _head.ConflictError(conflict);
            return 0;
        });
    }

    public async Task<string> Put(Guid requestId, byte[] data, int priority)
    {
        Validate();
        if (data is null or { Length: > ZNodeLimits.MaxDataLength })
            throw CoordException.BadArguments(_subject, $"a message holds at most {ZNodeLimits.MaxDataLength} bytes");

        // Puts waiting for the gate are decided together by whichever of them gets it first: one commit for all.
        return (await _puts.DecideAsync(new PendingPut(requestId, data, priority, Caller.Credential))).MessageId;
    }

    /// <summary>
    /// Decides the waiting puts in arrival order, as many as one commit takes: sequence numbers in that order, one
    /// record per message and the head, all or none. Every put of the group gets the commit's outcome.
    /// </summary>
    private async Task<GroupCommit<QueueHead>?> DecidePutsAsync(IReadOnlyList<PendingPut> waiting)
    {
        var (head, messages) = await LoadAsync();
        // Each put is checked with its own caller's credential; a refused one changes nothing and fails alone.
        var group = new List<PendingPut>();
        foreach (var put in waiting)
        {
            if (_acl.Refuses(head.Acl, AclPerms.Create, put.Credential) is { } refused) put.FailAlone(refused);
            else group.Add(put);
        }

        if (group.Count == 0) return null;
        var (seq, recent) = (head.NextSeq, head.Recent);
        var ids = new string[group.Count];
        var writes = new RecordWrite[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            ids[i] = QueueKeys.MessageId(group[i].Priority, seq++);
            var outcome = new QueueOutcome(ids[i], 0);
            recent = RecentRequests.With(recent, group[i].RequestId, outcome);
            writes[i] = RecordWrite.Insert(QueueKeys.Message(_name, ids[i]), group[i].Data);
            group[i].Answer(outcome);
        }

        return new GroupCommit<QueueHead>(head with { NextSeq = seq, Recent = recent }, writes, () =>
        {
            messages.UnionWith(ids);
            _changed.Raise();
        });
    }

    /// <summary>Whether the next waiting put fits the group's commit beside the head: the store's records per commit,
    /// and one message's worth of bytes (the first put always fits).</summary>
    private bool JoinsPuts(IReadOnlyList<PendingPut> group, PendingPut next) =>
        group.Count < store.Limits.MaxRecordsPerCommit - 1
        && (group.Count == 0 || group.Sum(put => (long)put.Data.Length) + next.Data.Length <= ZNodeLimits.MaxDataLength);

    public async Task<QueueItem?> Take(Guid requestId, int visibilityMs, int waitMs)
    {
        Validate();
        if (visibilityMs is < 1 or > QueueLimits.MaxVisibilityMs)
            throw CoordException.BadArguments(_subject, $"visibility timeout must be 1 ms to {QueueLimits.MaxVisibilityMs} ms, got {visibilityMs}");
        if (waitMs < 0) throw CoordException.BadArguments(_subject, $"wait must not be negative, got {waitMs}");

        var credential = Caller.Credential;
        var until = time.GetUtcNow().AddMilliseconds(Math.Min(waitMs, QueueLimits.MaxWaitMs));
        while (!_retired)
        {
            var changed = _changed.Next;
            long wakeAtMs;
            await _gate.WaitAsync();
            try
            {
                var item = await TryTakeAsync(requestId, visibilityMs, credential);
                if (item is not null) return item;
                wakeAtMs = _head.State?.InFlight.Values.Select(f => f.VisibleAtMs).DefaultIfEmpty(long.MaxValue).Min() ?? long.MaxValue;
            }
            finally
            {
                _gate.Release();
            }

            // Wake on a put or release, when a taken message becomes visible again, or when the wait is over.
            var now = time.GetUtcNow();
            if (now >= until) return null;
            var wake = TimeSpan.FromMilliseconds(Math.Min((until - now).TotalMilliseconds, Math.Max(1, wakeAtMs - now.ToUnixTimeMilliseconds())));
            await ChangeSignal.WaitAsync(changed, wake, time);
        }

        return null; // This activation retired; the SDK's next poll reaches a fresh one.
    }

    public Task Ack(Guid requestId, string receipt) =>
        Settle(requestId, receipt, (head, id) => (head with { InFlight = Without(head.InFlight, id) }, RecordWrite.Delete(QueueKeys.Message(_name, id), "*")));

    public Task Release(Guid requestId, string receipt) =>
        Settle(requestId, receipt, (head, id) => (head with { InFlight = With(head.InFlight, id, head.InFlight[id] with { VisibleAtMs = 0 }) }, null));

    public Task<QueueLength> Length()
    {
        var credential = Caller.Credential;
        return Gated(async () =>
        {
            var (head, messages) = await LoadAsync();
            _acl.Demand(head.Acl, AclPerms.Read, credential);
            return Count(head, messages);
        });
    }

    public Task<QueueLength> Inspect()
    {
        Validate();
        return Gated(async () =>
        {
            var (head, messages) = await LoadAsync();
            return Count(head, messages);
        });
    }

    private QueueLength Count(QueueHead head, SortedSet<string> messages)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var ready = messages.Count(id => head.IsVisible(id, now));
        return new QueueLength(ready, messages.Count - ready);
    }

    public Task<QueueItem?> Peek()
    {
        var credential = Caller.Credential;
        return Gated(async () => await PeekAsync(credential));
    }

    private async Task<QueueItem?> PeekAsync(CallerCredential? credential)
    {
        var (head, messages) = await LoadAsync();
        _acl.Demand(head.Acl, AclPerms.Read, credential);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = messages.FirstOrDefault(m => head.IsVisible(m, now));
        if (id is null) return null;
        var data = await ReadDataAsync(id) ?? throw VoidCache($"message {id} is listed but not stored");
        return new QueueItem(id, data, QueueKeys.PriorityOf(id), head.InFlight.GetValueOrDefault(id)?.Delivery ?? 0, "");
    }

    private async Task<QueueItem?> TryTakeAsync(Guid requestId, int visibilityMs, CallerCredential? credential)
    {
        var (head, messages) = await LoadAsync();
        _acl.Demand(head.Acl, AclPerms.Delete, credential);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = messages.FirstOrDefault(m => head.IsVisible(m, now));
        if (id is null) return null;

        if (!head.InFlight.ContainsKey(id) && head.InFlight.Count >= QueueLimits.MaxInFlight)
        {
            throw new CoordException(CoordErrorCode.Throttled, _subject, $"{head.InFlight.Count} messages are taken and not acked; ack some first");
        }

        var data = await ReadDataAsync(id) ?? throw VoidCache($"message {id} is listed but not stored");
        var delivery = (head.InFlight.GetValueOrDefault(id)?.Delivery ?? 0) + 1;
        var next = head with
        {
            InFlight = With(head.InFlight, id, new InFlight(delivery, now + visibilityMs)),
            Recent = RecentRequests.With(head.Recent, requestId, new QueueOutcome(id, delivery)),
        };
        var landed = await DecideAsync(requestId, next, null);
        if (landed is not null) (id, delivery) = (landed.MessageId, landed.Delivery);
        return new QueueItem(id, data, QueueKeys.PriorityOf(id), delivery, QueueKeys.Receipt(id, delivery));
    }

    private async Task Settle(Guid requestId, string receipt, Func<QueueHead, string, (QueueHead, RecordWrite?)> change)
    {
        Validate();
        var (id, delivery) = QueueKeys.ParseReceipt(_subject, receipt);
        var credential = Caller.Credential;
        await _gate.WaitAsync();
        try
        {
            var (head, messages) = await LoadAsync();
            // Receipts can be guessed (message id and hand-out number): acking or giving back needs DELETE as taking does.
            _acl.Demand(head.Acl, AclPerms.Delete, credential);
            if (!messages.Contains(id) || head.InFlight.GetValueOrDefault(id)?.Delivery != delivery)
            {
                throw new CoordException(CoordErrorCode.NoNode, _subject, $"no message is taken with receipt {receipt}");
            }

            var (next, write) = change(head, id);
            next = next with { Recent = RecentRequests.With(head.Recent, requestId, new QueueOutcome(id, delivery)) };
            if (await DecideAsync(requestId, next, write) is not null) return;
            if (write is { Kind: RecordWriteKind.Delete }) messages.Remove(id);
            _changed.Raise();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Commits the head with an optional message write. Null when it committed; the recorded outcome when
    /// the store reported a conflict for a write that had landed; otherwise throws RetryableConflict.</summary>
    private async Task<QueueOutcome?> DecideAsync(Guid requestId, QueueHead next, RecordWrite? write)
    {
        if (await _head.CommitAsync(next, write is null ? null : [write]) is not { } conflict) return null;
        return RecentRequests.Find(conflict.Current?.Recent, requestId)?.Outcome ?? throw _head.ConflictError(conflict);
    }

    private async Task<(QueueHead Head, SortedSet<string> Messages)> LoadAsync()
    {
        var head = await _head.LoadAsync() ?? QueueHead.Empty;
        if (_messages is null)
        {
            var prefix = QueueKeys.Messages(_name);
            var keys = await _head.Guard(() => store.ListKeysAsync(prefix));
            _messages = new SortedSet<string>(keys.Select(k => k[prefix.Length..]), StringComparer.Ordinal);
        }

        return (head, _messages);
    }

    private async Task<byte[]?> ReadDataAsync(string id) =>
        (await _head.Guard(() => store.ReadAsync(QueueKeys.Message(_name, id))))?.Value;

    /// <summary>The cache lists a message storage no longer holds: another activation acked it. Retire; the SDK retries.</summary>
    private RetryableConflictException VoidCache(string why)
    {
        _head.Forget();
        return new RetryableConflictException($"{_subject}: {why}; retry");
    }

    /// <summary>Runs a read under the gate, so that it never lists the queue while a decision changes it.</summary>
    private async Task<T> Gated<T>(Func<Task<T>> read)
    {
        Validate();
        await _gate.WaitAsync();
        try
        {
            return await read();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Retire()
    {
        _retired = true;
        _messages = null;
        DeactivateOnIdle();
        _changed.Raise();
    }

    private void Validate() => RecipeNameRules.Validate("queue", _name);

    /// <summary>A put waiting to be decided, alone or with the puts that waited beside it.</summary>
    private sealed record PendingPut(Guid RequestId, byte[] Data, int Priority, CallerCredential? Credential) : PendingRequest<QueueOutcome>(RequestId);

    private static Dictionary<string, InFlight> With(Dictionary<string, InFlight> inFlight, string id, InFlight entry) =>
        new(inFlight, StringComparer.Ordinal) { [id] = entry };

    private static Dictionary<string, InFlight> Without(Dictionary<string, InFlight> inFlight, string id)
    {
        var copy = new Dictionary<string, InFlight>(inFlight, StringComparer.Ordinal);
        copy.Remove(id);
        return copy;
    }
}
