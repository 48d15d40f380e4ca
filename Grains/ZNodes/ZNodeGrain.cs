using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Concurrency;
using Microsoft.Extensions.Options;
using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Grains.Identities;
using OrleansCoord.Grains.Revisions;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Storage.Records;
using OrleansCoord.Grains.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// One znode. It caches its committed record and the names of its children; writes to it and to its
/// children go through a batching pipeline (ZNodeGrain.Pipeline.cs and the files it names), multi through transactions
/// (ZNodeGrain.Transactions.cs). Reentrant: reads never wait for a commit in flight.
/// </summary>
/// <remarks>
/// Existence has one authority, the parent's committed set of children: a znode that has not loaded its
/// record asks its parent before reading storage, so what a read says agrees with the parent's list, unless
/// its parent on the same silo handed it its record (ZNodeGrain.Handoffs.cs).
/// </remarks>
[Reentrant]
[GrainType("znode")]
[RandomPlacement]
internal sealed partial class ZNodeGrain(
    ITreeStore store,
    RevisionClock clock,
    TimeProvider time,
    WatchPublisher watches,
    LocalHandoffs localHandoffs,
    CallerCredentials credentials,
    StorageRegressionGuard regression,
    IOptions<CoordGridOptions> options,
    ILogger<ZNodeGrain> logger) : Grain, IZNodeGrain, IZNodeParticipantGrain
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CoordGridOptions _options = options.Value;
    private string _path = ZNodePath.Root;
    private string _key = TreeKeys.RootKey;

    // Committed state: the record bridge holds the record (null when the znode does not exist or has not been loaded
    // yet) and its token; its failure and conflict policy is Stay (see StoreCall's reason below).
    private RecordBridge<ZNodeRecord> _node = null!;
    private SortedSet<string> _children = new(StringComparer.Ordinal);
    private long _generation;

    // The newest state of this znode that this activation has seen committed, kept when the cache is dropped: the
    // store may never hand back an older one (ZNodeGrain.Regression.cs).
    private ZNodeRecord? _newestSeen;
    private Task? _loading;
    private long _loadsStarted;

    private ZNodeRecord? Record => _node.Value;

    private string? Token => _node.Token;

    private bool IsRoot => _path == ZNodePath.Root;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _path = this.GetPrimaryKeyString();
        _key = TreeKeys.Node(_path);
        _node = new RecordBridge<ZNodeRecord>(store, _key, _path, ZNodeRecordCodec.Instance, RecordPolicy.Stay, logger, forgotten: ForgetBesideRecord);
        // Calls are checked against ACLs with the identity key (CurrentCaller): have it before the first one.
        await credentials.ReadyAsync();
    }

    public async Task<NodeData> GetData()
    {
        var record = await ReadCommittedAsync() ?? throw CoordException.NoNode(_path);
        AclCheck.Demand(_path, record.Acl, AclPerms.Read, CurrentCaller());
        return new NodeData(record.Data, record.ToStat(), record.NullData);
    }

    public async Task<Stat?> Exists() => (await ReadCommittedAsync())?.ToStat();

    public async Task<ChildrenResult> GetChildren()
    {
        var record = await ReadCommittedAsync() ?? throw CoordException.NoNode(_path);
        AclCheck.Demand(_path, record.Acl, AclPerms.Read, CurrentCaller());
        return new ChildrenResult(_children.ToArray(), record.ToStat());
    }

    public async Task<AclResult> GetAcl()
    {
        var record = await ReadCommittedAsync() ?? throw CoordException.NoNode(_path);
        var caller = CurrentCaller();
        AclCheck.Demand(_path, record.Acl, AclPerms.Read | AclPerms.Admin, caller);
        // As ZooKeeper 3.6+: who may not administer the znode does not see the password hashes of its digest ids.
        var acl = AclCheck.Allows(record.Acl, AclPerms.Admin, caller) ? record.EffectiveAcl : AclCheck.Redacted(record.EffectiveAcl);
        return new AclResult(acl, record.ToStat());
    }

    public async Task<int> GetAllChildrenNumber()
    {
        var record = await ReadCommittedAsync() ?? throw CoordException.NoNode(_path);
        AclCheck.Demand(_path, record.Acl, AclPerms.Read, CurrentCaller());
        var below = (await StoreCall(() => store.ListKeysAsync(TreeKeys.Grandchildren(_path)))).Count;
        return IsRoot ? below : below + (await StoreCall(() => store.ListKeysAsync(TreeKeys.Children(_path)))).Count;
    }

    public async Task<long> Sync()
    {
        await WaitUntilSettledAsync();
        if (await _node.ReadTokenAsync() != Token)
        {
            // Storage moved on without this activation (another activation, or a commit whose verdict was lost).
            ForgetCommitted();
        }

        return (await ReadCommittedAsync())?.Revision ?? 0;
    }

    public async Task<ChildLookup> HasChild(string name, Guid txId)
    {
        if (txId != Guid.Empty && _tx?.Id == txId) return _tx.Draft.Children.Contains(name) ? ChildLookup.Present : ChildLookup.Absent;
        if (await ReadCommittedAsync() is null || !_children.Contains(name)) return ChildLookup.Absent;
        return _handoff?.Take(name) is { } created ? new ChildLookup(true, created.Record, created.Token) : ChildLookup.Present;
    }

    /// <summary>The committed record once no prepared transaction is pending; null when the znode does not exist.</summary>
    private async Task<ZNodeRecord?> ReadCommittedAsync()
    {
        await WaitUntilSettledAsync();
        return await LoadAsync();
    }

    /// <summary>Loads the committed state if it is not cached. Absence is never cached: the parent may create us.</summary>
    /// <remarks>
    /// A caller may join a load in flight, but not take "absent" from one that started before it came: the parent
    /// may have created this znode (and acknowledged it) between its answer and this call. The ProcessKill soak saw
    /// a CAS set called after an acknowledged create answer NoNode that way.
    /// </remarks>
    private async Task<ZNodeRecord?> LoadAsync(Guid txId = default)
    {
        regression.ThrowIfDetected(_path);
        var arrived = _loadsStarted;
        while (Record is null)
        {
            if (_loading is { } loading)
            {
                var number = _loadsStarted;
                await loading;
                if (Record is not null || number > arrived) return Record;
                continue;
            }

            var generation = _generation;
            _loadsStarted++;
            var task = LoadFromStoreAsync(txId);
            _loading = task;
            try
            {
                var (record, token, children) = await task;
                if (generation == _generation && record is not null)
                {
                    Witness(record);
                    _children = children;
                    _node.Adopt(record, token);
                }

                return Record;
            }
            finally
            {
                _loading = null;
            }
        }

        return Record;
    }

    private async Task<(ZNodeRecord?, string?, SortedSet<string>)> LoadFromStoreAsync(Guid txId)
    {
        var empty = new SortedSet<string>(StringComparer.Ordinal);
        if (IsRoot) return await LoadRootAsync();

        if (TakeLocalHandoff() is { } handedOff) return (handedOff.Record, handedOff.Token, empty);

        var parent = GrainFactory.GetStringKeyGrain<IZNodeParticipantGrain>(ZNodePath.Parent(_path));
        var lookup = await parent.HasChild(ZNodePath.Name(_path), txId);
        if (!lookup.Exists) return (null, null, empty);
        if (lookup.Record is { } created) return (created, lookup.Token, empty);

        var stored = await StoreCall(() => store.ReadAsync(_key));
        return stored is null ? (null, null, empty) : await FromStoredAsync(stored);
    }

    private async Task<(ZNodeRecord?, string?, SortedSet<string>)> FromStoredAsync(StoredRecord stored)
    {
        var record = ZNodeRecordCodec.Decode(stored.Value);
        return (record, stored.Token, await LoadChildrenAsync(record));
    }

    private async Task<(ZNodeRecord?, string?, SortedSet<string>)> LoadRootAsync()
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var stored = await StoreCall(() => store.ReadAsync(_key));
            if (stored is not null) return await FromStoredAsync(stored);

            // A new grid: the root and the reserved /zookeeper node, as ZooKeeper has them.
            var root = ZNodeRecord.Created(0, 0, [], CreateMode.Persistent, 0, 0) with { NumChildren = 1, Cversion = 1 };
            var reserved = ZNodeRecord.Created(0, 0, [], CreateMode.Persistent, 0, 0);
            await StoreCall(() => store.CommitAsync([
                RecordWrite.Insert(_key, ZNodeRecordCodec.Encode(root)),
                RecordWrite.Insert(TreeKeys.Node(ZNodePath.Reserved), ZNodeRecordCodec.Encode(reserved)),
            ]));
        }

        throw new CoordException(CoordErrorCode.SystemError, _path, "cannot initialise the root");
    }

    private async Task<SortedSet<string>> LoadChildrenAsync(ZNodeRecord record)
    {
        var children = new SortedSet<string>(StringComparer.Ordinal);
        if (record.NumChildren == 0) return children;
        var prefix = TreeKeys.Children(_path);
        foreach (var key in await StoreCall(() => store.ListKeysAsync(prefix)))
        {
            children.Add(TreeKeys.ChildName(key, prefix));
        }

        return children;
    }

    /// <summary>
    /// Drops the cached committed state; the next access loads it again. The hand-offs go too: this activation no
    /// longer knows that its list of children is the committed one (storage failed, or another activation wrote).
    /// </summary>
    private void ForgetCommitted() => _node.Forget();

    /// <summary>What goes with the record when the bridge forgets it.</summary>
    private void ForgetBesideRecord()
    {
        _handoff?.Clear();
        _generation++;
        _children = new SortedSet<string>(StringComparer.Ordinal);
    }

    private void AdoptCommitted(ZNodeRecord? record, string? token, ChildrenDraft children)
    {
        if (record is null)
        {
            ForgetCommitted();
            return;
        }

        _generation++;
        Witness(record);

        children.ApplyTo(_children);
        _node.Adopt(record, token);
    }

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The identities the current call's credential proves (docs/adr/013-identities.md).</summary>
    private AuthId[] CurrentCaller() => VerifiedCaller.Identities(credentials, Caller.Credential, _options.SuperDigest);

    /// <summary>
    /// Runs a store call; a storage failure becomes a typed error and drops everything this activation knew, so
    /// the next call reloads from storage (the bridge's policy Stay). The activation stays: retiring it (DeactivateOnIdle)
    /// deadlocked a request still in flight whose child, activating for a delete, asked this parent <c>HasChild</c> —
    /// calls to a deactivating activation wait for it to finish, and it waited for that request (30 s, the call timeout).
    /// </summary>
    private Task<T> StoreCall<T>(Func<Task<T>> call) => _node.Guard(call);

    /// <summary>Publishes watch events; a failure is logged, never turned into a failed write (the write is durable).</summary>
    private async Task PublishAsync(IEnumerable<OrleansCoord.Watches.WatchEvent> events)
    {
        try
        {
            await watches.PublishAsync(events);
        }
        catch (Exception exception)
        {
            LogPublishFailure(logger, _path, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing watch events of znode {Path} failed")]
    private static partial void LogPublishFailure(ILogger logger, string path, Exception exception);
}
