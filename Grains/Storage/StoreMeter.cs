using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansCoord.Grains.Storage;

/// <summary>
/// The tree store's commits (meter <c>OrleansCoord.Grid.Store</c>, exported by the silo's <c>/metrics</c>), by store
/// profile: the latency of each commit as its caller waits for it, by outcome (<c>ok</c>, <c>conflict</c> — a condition
/// failed, nothing applied, the grain retries or answers RetryableConflict — or <c>error</c>: the store failed, outcome
/// unknown), and how many commits each round trip to the store carried (group commit; 1 on Memory, which does not group).
/// </summary>
/// <remarks>Recorded by each store where it completes a commit or sends a group: one histogram record per commit and per
/// group, constant tags, no allocation.</remarks>
internal static class StoreMeter
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OrleansCoord.Grid.Store";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> CommitDuration = Meter.CreateHistogram("coord_store_commit_duration", unit: "s",
        description: "Latency of tree store commits by store and outcome (ok, conflict, error)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    private static readonly Histogram<long> BatchSize = Meter.CreateHistogram("coord_store_commit_batch_size", unit: "{commit}",
        description: "Commits carried by one round trip to the store (group commit), by store",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });

    /// <summary>One commit ended, started at <paramref name="startedTimestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public static void RecordCommit(string store, long startedTimestamp, CommitResult result) =>
        RecordCommit(store, startedTimestamp, result.Committed ? "ok" : "conflict");

    /// <summary>One commit failed with the store's error (its outcome unknown).</summary>
    public static void RecordFailure(string store, long startedTimestamp) => RecordCommit(store, startedTimestamp, "error");

    /// <summary>One round trip to the store carried <paramref name="commits"/> commits.</summary>
    public static void RecordBatch(string store, int commits) => BatchSize.Record(commits, new KeyValuePair<string, object?>("store", store));

    /// <summary>Waits for <paramref name="commit"/> and records it.</summary>
    public static async Task<CommitResult> MeasureAsync(string store, Task<CommitResult> commit, long startedTimestamp)
    {
        try
        {
            var result = await commit;
            RecordCommit(store, startedTimestamp, result);
            return result;
        }
        catch (Exception)
        {
            RecordFailure(store, startedTimestamp);
            throw;
        }
    }

    private static void RecordCommit(string store, long startedTimestamp, string outcome) =>
        CommitDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new TagList { { "store", store }, { "outcome", outcome } });
}
