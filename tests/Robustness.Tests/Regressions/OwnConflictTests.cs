using System.Text;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Robustness.Tests.Cluster;

namespace OrleansCoord.Robustness.Tests.Regressions;

/// <summary>
/// A znode whose commit meets a record it did not write (an ETag conflict on its own key: another activation or a
/// foreign writer) used to retire its activation (DeactivateOnIdle) with a child's delete still queued in its
/// pipeline. That delete asks the child to prepare; the child, activating, asks the parent <c>HasChild</c>, and calls
/// to a deactivating activation wait until it has finished — the very request waiting for the child. The same
/// deadlock a storage failure caused (fixed in <c>ZNodeGrain.StoreCall</c>); it held until the 30 s call timeout.
/// </summary>
public sealed class OwnConflictTests(MemoryClusterFixture fixture) : IClassFixture<MemoryClusterFixture>
{
    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    [Fact]
    public async Task OwnRecordRewrittenBehindTheGrain_ChildDeleteQueuedBehind_Completes()
    {
        await using var client = await fixture.Cluster.ConnectAsync();
        var parent = await client.CreateAsync($"/conflict-{Guid.NewGuid():N}");
        var child = await client.CreateAsync(parent + "/c"); // created by the parent; the child never activated

        Task delete;
        using (var gate = new CommitGate(fixture.Store, parent, failures: 0))
        {
            // A set of the parent holds its pipeline; meanwhile a foreign writer rewrites the parent's record, so
            // that commit conflicts on the parent's own key, and a delete of the child queues up behind it.
            var set = client.SetDataAsync(parent, Text("x"));
            await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));
            var memory = MemoryTreeStore.GetShared(fixture.Cluster.Options.ClusterId);
            var stored = await memory.ReadAsync(TreeKeys.Node(parent)) ?? throw new InvalidOperationException("no parent record");
            Assert.True((await memory.CommitAsync([RecordWrite.Replace(TreeKeys.Node(parent), stored.Value, stored.Token)])).Committed);
            delete = client.DeleteAsync(child);
            await SettleAsync();
            gate.Release();
            // RetryableConflict, retried by the SDK against the reloaded record. Deadlocked, the retry waited for the
            // retiring activation and failed with OperationTimeout after 30 s.
            await set;
        }

        await delete;
        Assert.Null(await client.ExistsAsync(child));
    }

    /// <summary>Gives the request just sent time to reach the grain's queue (Orleans does not promise their order).</summary>
    private static Task SettleAsync() => Task.Delay(300);
}
