using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Recipes.Records;
using OrleansCoord.Grains.Storage;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Recipes.Queues;

/// <summary>
/// Putting messages: the puts that queued for the gate are decided together, one record per message and the head in
/// one commit.
/// </summary>
internal sealed partial class QueueGrain
{
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

    /// <summary>A put waiting to be decided, alone or with the puts that waited beside it.</summary>
    private sealed record PendingPut(Guid RequestId, byte[] Data, int Priority, CallerCredential? Credential) : PendingRequest<QueueOutcome>(RequestId);
}
