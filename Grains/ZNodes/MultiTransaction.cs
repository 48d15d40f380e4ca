using OrleansCoord.Errors;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>One attempt at a multi: the participants it has enlisted and the results of its ops.</summary>
internal sealed class MultiTransaction(IGrainFactory grains, ZNodeOp[] ops, long sessionId, long revision, long nowMs)
{
    private readonly Guid _id = Guid.NewGuid();
    private readonly Dictionary<string, IZNodeParticipantGrain> _participants = new(StringComparer.Ordinal);

    public ZNodeOp[] Ops => ops;

    public long SessionId => sessionId;

    /// <summary>Applies the ops in order; stops at the first that fails, as ZooKeeper does.</summary>
    public async Task<OpResult[]> ApplyOpsAsync()
    {
        var results = new OpResult[ops.Length];
        for (var i = 0; i < ops.Length; i++)
        {
            try
            {
                results[i] = await ApplyAsync(ops[i]);
            }
            catch (CoordException exception)
            {
                return Failed(ops.Length, i, exception);
            }
        }

        return results;
    }

    public async Task<IReadOnlyList<RecordWrite>> PrepareAsync()
    {
        var prepared = await Task.WhenAll(_participants.Values.Select(p => p.TxPrepare(_id)));
        // Two ephemerals of one session both check its fence: one check, so that the record count below is right.
        return CommitShape.CollapseTouches(prepared.SelectMany(w => w).ToList());
    }

    /// <summary>Tells every participant the outcome. See <see cref="Verdicts.DeliverAsync"/> for why the wait is bounded.</summary>
    public Task ResolveAsync(TxOutcome outcome, IReadOnlyDictionary<string, string>? tokens) =>
        Verdicts.DeliverAsync(_participants.Values.Select(p => (p, _id)), outcome, tokens);

    /// <summary>The committed multi's changes as watch events, one per znode and kind, all at the multi's revision.</summary>
    public IEnumerable<WatchEvent> WatchEvents(OpResult[] results)
    {
        var events = new List<WatchEvent>();
        for (var i = 0; i < ops.Length; i++)
        {
            var path = results[i].Path ?? ops[i].Path;
            switch (ops[i])
            {
                case CreateOp:
                    events.Add(new WatchEvent(WatchEventType.NodeCreated, path, revision));
                    events.Add(new WatchEvent(WatchEventType.NodeChildrenChanged, ZNodePath.Parent(path), revision));
                    break;
                case DeleteOp:
                    events.Add(new WatchEvent(WatchEventType.NodeDeleted, path, revision));
                    events.Add(new WatchEvent(WatchEventType.NodeChildrenChanged, ZNodePath.Parent(path), revision));
                    break;
                case SetDataOp:
                    events.Add(new WatchEvent(WatchEventType.NodeDataChanged, path, revision));
                    break;
            }
        }

        return events.Distinct();
    }

    public static OpResult[] Failed(int count, int failedIndex, CoordException error)
    {
        var results = new OpResult[count];
        for (var i = 0; i < count; i++)
        {
            results[i] = i < failedIndex ? new OpResult(CoordErrorCode.Ok)
                : i == failedIndex ? new OpResult(error.Code, error.Path, null, error.Detail)
                : new OpResult(CoordErrorCode.RuntimeInconsistency);
        }

        return results;
    }

    private async Task<OpResult> ApplyAsync(ZNodeOp op)
    {
        switch (op)
        {
            case CreateOp create:
            {
                var request = new CreateRequest(ZNodePath.Name(create.Path), create.Data, create.Mode, create.TtlMs, sessionId, revision, create.Acl);
                var made = await Enlist(ZNodePath.Parent(create.Path)).TxStep(_id, new CreateChildStep(request, revision, nowMs));
                await Enlist(made.Path!).TxStep(_id, new BecomeCreatedStep(made.Record!));
                return new OpResult(CoordErrorCode.Ok, made.Path, made.Record!.ToStat());
            }

            case DeleteOp delete:
                await Enlist(delete.Path).TxStep(_id, new DeleteSelfStep(delete.Version));
                await Enlist(ZNodePath.Parent(delete.Path)).TxStep(_id, new DeleteChildStep(ZNodePath.Name(delete.Path), revision));
                return new OpResult(CoordErrorCode.Ok, delete.Path);

            case SetDataOp set:
                var after = await Enlist(set.Path).TxStep(_id, new SetDataStep(set.Data, set.Version, revision, nowMs));
                return new OpResult(CoordErrorCode.Ok, set.Path, after.Record!.ToStat());

            case CheckOp check:
                await Enlist(check.Path).TxStep(_id, new CheckStep(check.Version));
                return new OpResult(CoordErrorCode.Ok, check.Path);

            default:
                throw CoordException.BadArguments(null, "unknown op in multi");
        }
    }

    private IZNodeParticipantGrain Enlist(string path)
    {
        if (!_participants.TryGetValue(path, out var participant))
        {
            participant = grains.GetStringKeyGrain<IZNodeParticipantGrain>(path);
            _participants[path] = participant;
        }

        return participant;
    }
}
