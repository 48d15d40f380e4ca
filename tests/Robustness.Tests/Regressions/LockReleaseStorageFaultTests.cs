using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Robustness.Tests.Cluster;

namespace OrleansCoord.Robustness.Tests.Regressions;

/// <summary>
/// Found by the StoreCommitFault run: a lock release whose commit failed in storage answered SystemError, and the
/// handle then counted itself released, so a second ReleaseAsync did nothing. The lock stayed held until the
/// session ended and every other acquire timed out (50 in a row in that run). A release names its grant, so the SDK
/// now sends it again after SystemError, and a release that still fails with an unknown outcome can be called again.
/// An election's leadership is such a hold (its resign is a release) and is checked the same way.
/// </summary>
public sealed class LockReleaseStorageFaultTests(MemoryClusterFixture fixture) : IClassFixture<MemoryClusterFixture>
{
    [Fact]
    public async Task ReleaseCommitFailsOnce_LockIsFreeForTheNextHolder()
    {
        var name = $"release-fault-{Guid.NewGuid():N}";
        await using var holder = await fixture.Cluster.ConnectAsync();
        await using var next = await fixture.Cluster.ConnectAsync();
        var handle = await holder.Locks.AcquireAsync(name, TimeSpan.FromSeconds(10));

        var failures = await FailFirstCommitOfAsync(name, handle.ReleaseAsync);

        Assert.True(failures >= 1, "the release's commit was never failed");
        await using var granted = await next.Locks.TryAcquireAsync(name, TimeSpan.FromSeconds(5));
        Assert.True(granted is not null, "the lock is still held after its release");
    }

    [Fact]
    public async Task ResignCommitFailsOnce_NextCandidateLeads()
    {
        // Leadership is a lock hold underneath; its resign must be as repeatable as a lock's release.
        var name = $"resign-fault-{Guid.NewGuid():N}";
        await using var leader = await fixture.Cluster.ConnectAsync();
        await using var next = await fixture.Cluster.ConnectAsync();
        var leadership = await leader.Elections.CampaignAsync(name, "first", TimeSpan.FromSeconds(10));

        var failures = await FailFirstCommitOfAsync(name, leadership.ResignAsync);

        Assert.True(failures >= 1, "the resign's commit was never failed");
        await using var successor = await next.Elections.CampaignAsync(name, "second", TimeSpan.FromSeconds(5));
        Assert.True(successor.Term > leadership.Term);
    }

    /// <summary>
    /// Fails the first storage commit that touches the recipe while <paramref name="release"/> runs; a SystemError
    /// (unknown outcome) is answered the way a caller should: by releasing again. Returns the commits failed.
    /// </summary>
    private async Task<int> FailFirstCommitOfAsync(string name, Func<Task> release)
    {
        var failures = 0;
        fixture.Store.BeforeCommit = writes =>
            writes.Any(w => w.Key.Contains(name, StringComparison.Ordinal)) && Interlocked.Increment(ref failures) == 1
                ? throw new TreeStoreException("injected: storage failed under the release")
                : Task.CompletedTask;
        try
        {
            try
            {
                await release();
            }
            catch (CoordException exception) when (exception.Code == CoordErrorCode.SystemError)
            {
                await release(); // What a caller does with an unknown outcome: release again.
            }
        }
        finally
        {
            fixture.Store.BeforeCommit = null;
        }

        return failures;
    }
}
