using OrleansCoord.Robustness.Tests.Cluster;

namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>
/// Tree store commits fail, one in three, for about a second of each way, in random order: before they are applied,
/// applied with the reply lost, and applied but answered with a conflict (what the Azure SDK reports when it resends
/// a transaction whose reply was lost). GUARANTEES 8: the first two must look like unknown outcomes at most; the
/// third must not turn into a definite refusal of a write that landed.
/// </summary>
public sealed class StoreCommitFault : IFault
{
    public async Task RunAsync(ChaosContext context)
    {
        var faults = CommitFaults.Of(context.Cluster.Options.ClusterId);
        var kinds = Enum.GetValues<CommitFault>().OrderBy(_ => context.Random.Next()).ToList();
        foreach (var kind in kinds)
        {
            context.Log.Note($"commits fail: {kind}");
            faults.Fault = kind;
            await Task.Delay(TimeSpan.FromMilliseconds(800 + context.Random.Next(400)));
        }

        faults.Fault = null;
        context.Log.Note($"commits healed ({faults.Failed} failed so far)");
    }
}
