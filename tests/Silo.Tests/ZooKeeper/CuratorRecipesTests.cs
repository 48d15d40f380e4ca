namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// Curator 5.4's recipes as users run them (ZooKeeper/java/CuratorRecipes.java: locks, semaphores, leader latch and
/// selector, barriers, counters, a queue, group membership, service discovery and the three caches), two clients
/// against the grid through a <see cref="LoopbackRelay"/>, then one forced reconnect while they hold a lock, a
/// leadership, memberships, a registration and caches. Every check asserts the recipe's observable result; the same
/// program passes every check against ZooKeeper 3.8 (docs/ZOOKEEPER-COMPATIBILITY.md).
/// </summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class CuratorRecipesTests(ZkSiloFixture grid)
{
    private static readonly string[] Checks =
    [
        "mutex", "semaphore", "leader-latch", "leader-selector", "barrier", "double-barrier", "atomic-long", "shared-count",
        "queue", "group-member", "service-discovery", "node-cache", "path-children-cache", "tree-cache",
    ];

    private static readonly string[] ReconnectChecks =
    [
        "reconnect-sessions", "reconnect-mutex", "reconnect-leader-latch", "reconnect-group-member",
        "reconnect-service-discovery", "reconnect-caches",
    ];

    [Fact]
    public async Task CuratorRecipes_GiveTheirResults_AndKeepWhatTheyHoldAcrossAForcedReconnect()
    {
        await using var client = await RelayedJavaClient.StartAsync(
            "CuratorRecipes", grid.ZkPort, $"/curator-recipes-{Guid.NewGuid():N}", TimeSpan.FromSeconds(150));
        var results = new List<string>();
        for (var i = 0; i < Checks.Length; i++) results.Add(await client.ReadLineAsync());
        Assert.Equal("cut-now", await client.ReadLineAsync());
        var accepted = client.Relay.Accepted;
        await client.CutAsync();
        for (var i = 0; i < ReconnectChecks.Length; i++) results.Add(await client.ReadLineAsync());
        var done = await client.ReadLineAsync();

        // All lines at once, so that a failure shows every recipe's outcome, not only the first that failed.
        Assert.Equal([.. Checks.Concat(ReconnectChecks).Select(c => "ok " + c)], results);
        Assert.Equal("done 0", done);
        Assert.Equal(2, accepted);
        Assert.Equal(4, client.Relay.Accepted); // Each of the two clients came back once.
    }
}
