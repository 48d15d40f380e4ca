using OrleansCoord.Robustness.Tests.Cluster;

namespace OrleansCoord.Robustness.Tests.Faults;

/// <summary>
/// Tree store commits fail, one in two, for 1.5–2.5 s of each way, in random order: before they are applied, and
/// applied with the reply lost. Both must look like unknown outcomes at most (GUARANTEES 8, 9).
/// COORD_CHAOS_COMMIT_FAULTS (comma-separated <see cref="CommitFault"/> names) chooses others, e.g.
/// ConflictAfterApply: a commit that landed answered as a conflict, which the tree store no longer reports since it
/// stopped resending transactions (<c>TransactionResendTests</c>); the grid cannot tell it from a foreign write, so
/// that run shows what the checks make of such a bug.
/// </summary>
public sealed class StoreCommitFault : IFault
{
    public async Task RunAsync(ChaosContext context)
    {
        var faults = CommitFaults.Of(context.Grid.ClusterId);
        faults.FailEvery = 2;
        var kinds = Kinds().OrderBy(_ => context.Random.Next()).ToList();
        foreach (var kind in kinds)
        {
            context.Log.Note($"commits fail: {kind}");
            faults.Fault = kind;
            await Task.Delay(TimeSpan.FromMilliseconds(1500 + context.Random.Next(1000)));
        }

        faults.Fault = null;
        context.Log.Note($"commits healed ({faults.Failed} failed so far)");
    }

    private static CommitFault[] Kinds() =>
        Environment.GetEnvironmentVariable("COORD_CHAOS_COMMIT_FAULTS") is { Length: > 0 } names
            ? [.. names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<CommitFault>)]
            : [CommitFault.FailBeforeApply, CommitFault.LoseReplyAfterApply];
}
