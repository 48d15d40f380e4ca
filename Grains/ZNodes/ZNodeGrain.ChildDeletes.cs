using OrleansCoord.Grains.Storage;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// The child deletes of a batch: each deleted child joins its own transaction and prepares its conditional delete
/// before the batch commits; a prepare the batch does not use is released (aborted).
/// </summary>
internal sealed partial class ZNodeGrain
{
    /// <summary>
    /// Asks the children to be deleted to prepare, all at once: each joins its own transaction and hands over
    /// its conditional delete. Only the first delete of a committed child in the batch gets one (a second
    /// would wait for the first's lock); the others fail with NoNode when their turn comes if the first was
    /// applied, and wait for the next batch if it was refused.
    /// </summary>
    private Dictionary<PendingDelete, Task<ChildDelete>> StartChildDeletes(List<PendingWrite> batch)
    {
        var started = new Dictionary<PendingDelete, Task<ChildDelete>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var write in batch)
        {
            if (write is PendingDelete delete && _children.Contains(delete.Name) && names.Add(delete.Name))
            {
                started[delete] = PrepareChildDeleteAsync(delete);
            }
        }

        return started;
    }

    private async Task<ChildDelete> PrepareChildDeleteAsync(PendingDelete delete)
    {
        var child = GrainFactory.GetStringKeyGrain<IZNodeParticipantGrain>(ZNodePath.Combine(_path, delete.Name));
        var txId = Guid.NewGuid();
        try
        {
            return new ChildDelete(await child.TxStepAndPrepare(txId, new DeleteSelfStep(delete.Version, delete.OwnerFilter)), (child, txId));
        }
        catch
        {
            Verdicts.Deliver([(child, txId)], TxOutcome.Aborted, null);
            throw;
        }
    }

    private static async Task ReleaseOrphanAsync(Task<ChildDelete> prepare)
    {
        try
        {
            var prepared = await prepare;
            Verdicts.Deliver([prepared.Participant], TxOutcome.Aborted, null);
        }
        catch (Exception)
        {
            // Its prepare failed: nothing to release.
        }
    }

    private sealed record ChildDelete(RecordWrite[] Writes, (IZNodeParticipantGrain Child, Guid TxId) Participant);
}
