using System.Diagnostics;

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
        using var java = await JavaProgram.CompileAsync("CuratorRecipes");
        await using var relay = new LoopbackRelay(grid.ZkPort);
        using var client = java.Start($"127.0.0.1:{relay.Port}", $"/curator-recipes-{Guid.NewGuid():N}");
        var stderr = client.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            var results = new List<string>();
            for (var i = 0; i < Checks.Length; i++) results.Add(await ReadLineAsync(client, stderr));
            Assert.Equal("cut-now", await ReadLineAsync(client, stderr));
            var accepted = relay.Accepted;
            relay.CutAll();
            await client.StandardInput.WriteLineAsync("cut");
            await client.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
            for (var i = 0; i < ReconnectChecks.Length; i++) results.Add(await ReadLineAsync(client, stderr));
            var done = await ReadLineAsync(client, stderr);

            // All lines at once, so that a failure shows every recipe's outcome, not only the first that failed.
            Assert.Equal([.. Checks.Concat(ReconnectChecks).Select(c => "ok " + c)], results);
            Assert.Equal("done 0", done);
            Assert.Equal(2, accepted);
            Assert.Equal(4, relay.Accepted); // Each of the two clients came back once.
        }
        finally
        {
            if (!client.HasExited) client.Kill(entireProcessTree: true);
            await client.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    private static Task<string> ReadLineAsync(Process process, Task<string> stderr) =>
        ExternalTool.ReadLineAsync(process, stderr, TimeSpan.FromSeconds(150));
}
