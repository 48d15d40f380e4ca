using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// A watch set on one silo while the silo of its watch shard lies dead and the cluster has not said so yet (the first
/// registration of that silo with the shard): the
/// registration with the shard is retried like a read, and ends in the watch being set, or in a closed connection
/// (ConnectionLoss, which ZooKeeper clients retry), never in SystemError (which they do not: kazoo's retry raised it
/// in CI when this registration was not retried).
/// </summary>
public sealed class ZkWatchShardFailoverTests(AzuriteFixture azurite)
{
    /// <summary>How many shards of the dead silo are registered with, a second apart (spans the cluster's failover).</summary>
    private const int ShardsTried = 20;

    /// <summary>How many paths (each of its own shard, mostly) are created to find them.</summary>
    private const int Candidates = 60;

    [Fact]
    public async Task WatchShardSiloKilled_WatchSetOnTheOther_IsSetOrClosesNeverSystemError()
    {
        var clusterId = $"{azurite.RunId}-zkshard";
        await using var first = await SiloProcess.StartHealthyAsync(clusterId);
        await using var second = await SiloProcess.StartHealthyAsync(clusterId);
        SiloProcess[] silos = [first, second];
        await using var inspector = await ClusterInspector.ConnectAsync(clusterId, silos);
        await inspector.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(60));

        // Watch shards activated without any silo registering with them: a create publishes its event to its shard
        // (the parent chooses it, WatchStreams.ShardOf, so each candidate has a parent of its own). Placement decides
        // where each lands (not at random: a busy silo gets none); the silo that hosts ShardsTried of them dies.
        var candidates = Enumerable.Range(0, Candidates).Select(i => $"/{azurite.RunId}-zkshard-{i}/watched").ToList();
        await using (var writer = await RawZkConnection.ConnectAsync(first.Ports.ZooKeeper, timeoutMs: 30_000))
        {
            foreach (var path in candidates)
            {
                Assert.Equal(Err.Ok, (await writer.CallAsync(Op.Create, Create(path[..path.LastIndexOf('/')], ""))).Err);
                Assert.Equal(Err.Ok, (await writer.CallAsync(Op.Create, Create(path, ""))).Err);
            }
        }

        var hosts = new Dictionary<string, int?>();
        await Poll.UntilAsync(async () =>
        {
            foreach (var path in candidates.Where(path => hosts.GetValueOrDefault(path) is null))
            {
                hosts[path] = await inspector.SiloPortOfWatchShardAsync(path);
            }

            return silos.Any(silo => hosts.Values.Count(port => port == silo.Ports.Silo) >= ShardsTried);
        }, TimeSpan.FromSeconds(60), () => $"fewer than {ShardsTried} of {Candidates} watch shards active on one silo: {string.Join(", ", hosts.Values)}");
        var victim = silos.First(silo => hosts.Values.Count(port => port == silo.Ports.Silo) >= ShardsTried);
        var survivor = victim == first ? second : first;
        var onVictimShards = candidates.Where(path => hosts[path] == victim.Ports.Silo).Take(ShardsTried).ToList();
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
                    Assert.True(err == Err.Ok, $"answered {err}: {string.Join("; ", answers)}\n{survivor.Output}");
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
