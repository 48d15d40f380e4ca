using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// A watch set on one silo while the silo of its watch shard lies dead and the cluster has not said so yet: the
/// registration with the shard is retried like a read, and ends in the watch being set, or in a closed connection
/// (ConnectionLoss, which ZooKeeper clients retry), never in SystemError (which they do not: kazoo's retry raised it
/// in CI when this registration was not retried).
/// </summary>
public sealed class ZkWatchShardFailoverTests(AzuriteFixture azurite)
{
    /// <summary>How many shards of the dead silo are registered with, a second apart (spans the cluster's failover).</summary>
    private const int ShardsTried = 20;

    [Fact]
    public async Task WatchShardSiloKilled_WatchSetOnTheOther_IsSetOrClosesNeverSystemError()
    {
        var clusterId = $"{azurite.RunId}-zkshard";
        await using var victim = await SiloProcess.StartHealthyAsync(clusterId);
        await using var survivor = await SiloProcess.StartHealthyAsync(clusterId);
        await using var inspector = await ClusterInspector.ConnectAsync(clusterId, victim, survivor);
        await inspector.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(60));

        // Paths whose watch shards live on the victim: a watch set through the victim activates its shard somewhere.
        // The parent chooses the shard (WatchStreams.ShardOf), so each candidate has a parent of its own.
        var onVictimShards = new List<string>();
        var hosts = new List<int?>();
        // A long session timeout, so that a slow registration under load is waited for (half of it) rather than closed.
        await using (var onVictim = await RawZkConnection.ConnectAsync(victim.Ports.ZooKeeper, timeoutMs: 30_000))
        {
            for (var attempt = 0; attempt < 200 && onVictimShards.Count < ShardsTried; attempt++)
            {
                var candidate = $"/{azurite.RunId}-zkshard-{attempt}/watched";
                Assert.Equal(Err.NoNode, (await onVictim.CallAsync(Op.Exists, PathWatch(candidate, watch: true))).Err);
                hosts.Add(await inspector.SiloPortOfWatchShardAsync(candidate));
                if (hosts[^1] == victim.Ports.Silo) onVictimShards.Add(candidate);
            }
        }

        Assert.True(onVictimShards.Count == ShardsTried,
            $"{onVictimShards.Count} watch shards landed on the victim (silo port {victim.Ports.Silo}) in 200 tries: {string.Join(", ", hosts)}");
        await victim.KillHardAsync();

        // One shard after the other, each the survivor's first registration with it: from right after the kill (the
        // survivor still takes the victim for alive) through the cluster's declaring it dead and the shards moving.
        var answers = new List<string>();
        foreach (var path in onVictimShards)
        {
            await Poll.UntilAsync(async () =>
            {
                try
                {
                    await using var onSurvivor = await RawZkConnection.ConnectAsync(survivor.Ports.ZooKeeper, timeoutMs: 30_000);
                    var err = (await onSurvivor.CallAsync(Op.Exists, PathWatch(path, watch: true))).Err;
                    answers.Add($"{path}: {err}");
                    // Any other answer (SystemError) fails at once: a client would not retry it.
                    Assert.True(err == Err.NoNode, $"answered {err}: {string.Join("; ", answers)}\n{survivor.Output}");
                    return true;
                }
                catch (IOException exception)
                {
                    answers.Add($"{path}: {exception.Message}");
                    return false;
                }
            }, TimeSpan.FromSeconds(90), () => $"the watch was never set on the survivor: {string.Join("; ", answers)}\n{survivor.Output}");
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        }
    }
}
