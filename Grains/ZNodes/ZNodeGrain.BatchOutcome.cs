using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Watches;
using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// What a batch's commit tells its writers and watchers: the watch events of a committed batch, and the failures
/// of one whose commit hit a conflict or did not land.
/// </summary>
internal sealed partial class ZNodeGrain
{
    /// <summary>
    /// The writes refused against a batch whose commit did not land: what they were refused for may never have
    /// existed. They were not applied, so they fail as retryable and the SDK sends them again.
    /// </summary>
    private void FailRefusedUnsettled(List<(PendingWrite Write, Exception Error)> refused)
    {
        if (refused.Count == 0) return;
        var retry = new RetryableConflictException($"the writes before this one on {_path} did not commit; retry");
        foreach (var (write, _) in refused) write.Fail(retry);
    }

    /// <summary>The batch's changes as watch events: this znode's (coalesced per batch), and each created or deleted child's.</summary>
    private IEnumerable<WatchEvent> WatchEvents(ZNodeRecord? before, ZNodeRecord? after, List<PendingWrite> applied)
    {
        foreach (var change in WatchPublisher.Changes(_path, before, after)) yield return change;
        foreach (var write in applied)
        {
            switch (write)
            {
                case PendingCreate create:
                    yield return new WatchEvent(WatchEventType.NodeCreated, create.Result!.Path, create.Result.Stat.Czxid);
                    break;
                case PendingDelete delete:
                    yield return new WatchEvent(WatchEventType.NodeDeleted, ZNodePath.Combine(_path, delete.Name), delete.Revision);
                    break;
            }
        }
    }

    private void FailConflict(List<PendingWrite> applied, string conflictKey)
    {
        // Storage holds a record this activation did not write (another activation, or a foreign writer): the bridge
        // drops what this activation knew (hand-offs too), so the next call reloads from storage. It does not retire
        // (DeactivateOnIdle), for the reason StoreCall gives: a child activating for a delete still in this pipeline
        // asks this parent HasChild, and calls to a deactivating activation wait until it has finished that very request.
        if (conflictKey == _key) _node.Conflicted(conflictKey);

        var conflict = new RetryableConflictException($"conflict on {conflictKey} while writing {_path}; retry");
        foreach (var write in applied)
        {
            var expired = TreeKeys.IsSessionFence(conflictKey) && write is PendingCreate create
                && create.Request.Mode.IsEphemeral() && TreeKeys.SessionFence(create.Request.SessionId) == conflictKey;
            write.Fail(expired ? CoordException.SessionExpired(((PendingCreate)write).Request.SessionId) : conflict);
        }
    }
}
