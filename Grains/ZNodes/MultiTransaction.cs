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

    // Children this multi created that no later op touched: their parent's draft lists them and the commit carries their
    // records, as a create outside a transaction does (ADR 003). Enlisting each one would activate it and read storage,
    // and a multi of many creates would outlast the participants' patience (InDoubtTimeout).
    private readonly Dictionary<string, ZNodeRecord> _created = new(StringComparer.Ordinal);

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
        var created = _created.SelectMany(c => ChildRecordWrites.ForCreate(c.Key, c.Value));
        // Two ephemerals of one session both check its fence: one check, so that the record count below is right.
        return CommitShape.CollapseTouches(prepared.SelectMany(w => w).Concat(created).ToList());
    }

    /// <summary>Tells every participant the outcome, without waiting for them (<see cref="Verdicts.Deliver"/> says why).</summary>
    public void Resolve(TxOutcome outcome, IReadOnlyDictionary<string, string>? tokens) =>
        Verdicts.Deliver(_participants.Values.Select(p => (p, _id)), outcome, tokens);

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
                var made = await StepAsync(ZNodePath.Parent(create.Path), new CreateChildStep(request, revision, nowMs));
                if (_participants.ContainsKey(made.Path!))
                {
                    // Deleted earlier in this multi: the participant's draft turns the delete into a replace.
                    await StepAsync(made.Path!, new BecomeCreatedStep(made.Record!));
                }
                else
                {
                    _created[made.Path!] = made.Record!;
                }

                return new OpResult(CoordErrorCode.Ok, made.Path, made.Record!.ToStat());
            }

            case DeleteOp delete:
                await StepAsync(delete.Path, new DeleteSelfStep(delete.Version));
                await StepAsync(ZNodePath.Parent(delete.Path), new DeleteChildStep(ZNodePath.Name(delete.Path), revision));
                return new OpResult(CoordErrorCode.Ok, delete.Path);

            case SetDataOp set:
                var after = await StepAsync(set.Path, new SetDataStep(set.Data, set.Version, revision, nowMs));
                return new OpResult(CoordErrorCode.Ok, set.Path, after.Record!.ToStat());

            case CheckOp check:
                await StepAsync(check.Path, new CheckStep(check.Version));
                return new OpResult(CoordErrorCode.Ok, check.Path);

            default:
                throw CoordException.BadArguments(null, "unknown op in multi");
        }
    }

    /// <summary>
    /// One step of the znode at <paramref name="path"/>, enlisting it first if needed: a znode this multi created joins
    /// with its created record. Every step after a participant's first says so (<see cref="TxStep.Continues"/>).
    /// </summary>
    private async Task<TxStepResult> StepAsync(string path, TxStep step)
    {
        if (_participants.TryGetValue(path, out var participant)) return await participant.TxStep(_id, step with { Continues = true });
        participant = grains.GetStringKeyGrain<IZNodeParticipantGrain>(path);
        _participants[path] = participant;
        if (!_created.Remove(path, out var record)) return await participant.TxStep(_id, step);
        await participant.TxStep(_id, new BecomeCreatedStep(record));
        return await participant.TxStep(_id, step with { Continues = true });
    }
}
