using System.Text;
using Orleans.Runtime;
using Orleans.TestingHost;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>Pushed through the shard grains: events lost with a silo are made up for by the resync.</summary>
public sealed class WatchFailoverTests(ClusterFixture fixture) : WatchFailoverTestsBase(fixture), IClassFixture<ClusterFixture>;

/// <summary>On Azure queue streams to the shards: events wait in storage queues for the silo that takes the queue over.</summary>
public sealed class AzureQueueWatchFailoverTests(AzureQueueWatchClusterFixture fixture)
    : WatchFailoverTestsBase(fixture), IClassFixture<AzureQueueWatchClusterFixture>;

/// <summary>
/// A silo dies while a writer keeps writing: the watcher ends at the last written revision, never out of order.
/// Each test restores three silos.
/// </summary>
public abstract class WatchFailoverTestsBase(ClusterFixture fixture)
{
    [Fact]
    public async Task SiloHostingTheWatchedZNodeDies_WatcherEndsAtTheLastWrite()
    {
        await using var writer = await fixture.ConnectAsync();
        var (path, victim) = await PickAsync(writer, path => fixture.Cluster.Client.GetGrain<IZNodeGrain>(path));
        await RunWhileKillingAsync(writer, path, victim);
    }

    [Fact]
    public async Task SiloHostingTheWatchShardDies_WatcherEndsAtTheLastWrite()
    {
        await using var writer = await fixture.ConnectAsync();
        // The shard grain holds its subscribers in memory: they are gone with its silo, and must register again.
        var (path, victim) = await PickAsync(writer, path => fixture.Cluster.Client.GetGrain<IWatchShardGrain>(WatchStreams.ShardOf(path)),
            subscribeFirst: true);
        await RunWhileKillingAsync(writer, path, victim);
    }

    /// <summary>A fresh znode whose chosen grain lives on a silo that can be killed (not the primary).</summary>
    private async Task<(string Path, SiloHandle Victim)> PickAsync(CoordClient client, Func<string, IAddressable> grainOf, bool subscribeFirst = false)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            // Under a fresh parent: the parent chooses the stream (shard), so each try may land elsewhere.
            var parent = await client.CreateAsync($"/survivor-{Guid.NewGuid():N}");
            var path = await client.CreateAsync(parent + "/watched", Encoding.UTF8.GetBytes("0"));
            await client.GetDataAsync(path);   // activates the znode's grain
            // A subscription activates the shard grain; held while its host is looked up.
            await using var probe = subscribeFirst ? await client.AddWatchAsync(path) : null;
            if (await SiloLocator.KillableHostOfAsync(fixture.Cluster, grainOf(path)) is { } victim) return (path, victim);
            await Task.Delay(200);
        }

        Assert.Fail("no znode landed on a killable silo in 40 tries");
        return default;
    }

    private async Task RunWhileKillingAsync(CoordClient writer, string path, SiloHandle victim)
    {
        await using var watcher = await fixture.ConnectAsync();
        await using var watch = await watcher.AddWatchAsync(path);
        var observed = new List<WatchEvent>();
        using var stopReading = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var change in watch.ReadAllAsync(stopReading.Token))
                {
                    lock (observed) observed.Add(change);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        long lastWritten = 0;
        try
        {
            for (var i = 1; i <= 60; i++)
            {
                if (i == 20) await fixture.Cluster.KillSiloAsync(victim);
                try
                {
                    lastWritten = (await writer.SetDataAsync(path, Encoding.UTF8.GetBytes($"{i}"))).Mzxid;
                }
                catch (CoordException exception) when (exception.Code is CoordErrorCode.ConnectionLoss or CoordErrorCode.OperationTimeout)
                {
                    // Outcome unknown while the cluster notices the death; the writes after it settle the question.
                }

                await Task.Delay(50);
            }

            // The last write is acknowledged; the watcher must get to it.
            lastWritten = (await writer.SetDataAsync(path, Encoding.UTF8.GetBytes("last"))).Mzxid;
            await Poll.UntilAsync(() =>
            {
                lock (observed) return Task.FromResult(observed.Any(e => e.Type == WatchEventType.NodeDataChanged && e.Revision == lastWritten));
            }, TimeSpan.FromSeconds(45), () => $"the watcher seeing revision {lastWritten} (last seen: {Last(observed)})");
        }
        finally
        {
            stopReading.Cancel();
            await reading;
            await fixture.Cluster.StartAdditionalSiloAsync();
        }

        List<long> revisions;
        lock (observed) revisions = [.. observed.Where(e => e.Type == WatchEventType.NodeDataChanged).Select(e => e.Revision)];
        Assert.True(revisions.SequenceEqual(revisions.Order()) && revisions.Count == revisions.Distinct().Count(),
            $"data change revisions not strictly increasing: {string.Join(", ", revisions)}");
    }

    private static string Last(List<WatchEvent> observed)
    {
        lock (observed) return observed.Count == 0 ? "nothing" : observed[^1].ToString();
    }
}
