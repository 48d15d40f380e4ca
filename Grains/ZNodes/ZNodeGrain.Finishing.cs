using OrleansCoord.Watches;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// The finishing of a committed batch (publishing its watch events, then answering its writers), which the next batch
/// does not wait for: the next batch's prepares and commit run while this one's events are on their way.
/// </summary>
/// <remarks>
/// Why: with a parent's batch waiting for all of its predecessor's steps, the delete phase was bound by that
/// pipeline's latency, not by CPU or storage (docs/BENCHMARKS.md, "What limits set and delete"). What keeps it right
/// (docs/adr/003-atomic-writes.md, item 2): finishing starts once the batch's state is adopted and its children have
/// their verdicts, so nothing the next batch decides depends on it. Events and answers keep the order of the batches:
/// each finishing publishes and answers only after the one before it, and at most one runs beside a batch being
/// decided. A transaction joining this znode waits for the finishing: it publishes its events itself, and they must
/// come after the batches' (a create after a delete of the same name would otherwise reach watchers first).
/// </remarks>
internal sealed partial class ZNodeGrain
{
    /// <summary>The finishing of the last committed batch, and the one it waits for.</summary>
    private Task _finishing = Task.CompletedTask, _finishingBefore = Task.CompletedTask;

    private void StartFinishing(List<WatchEvent> events, List<PendingWrite> applied, List<(PendingWrite Write, Exception Error)> refused)
    {
        _finishingBefore = _finishing;
        _finishing = FinishAsync(_finishing, events, applied, refused);
    }

    private async Task FinishAsync(Task before, List<WatchEvent> events, List<PendingWrite> applied, List<(PendingWrite Write, Exception Error)> refused)
    {
        await before; // never fails: publishing reports its own failures
        await PublishAsync(events);
        foreach (var write in applied) write.Succeed();
        foreach (var (write, error) in refused) write.Fail(error);
    }

    /// <summary>Before a batch is decided: at most one finishing runs beside it.</summary>
    private Task WaitForFinishingBeforeAsync() => _finishingBefore;

    /// <summary>Before a transaction changes this znode: every batch has finished.</summary>
    private Task WaitForFinishingAsync() => _finishing;
}
