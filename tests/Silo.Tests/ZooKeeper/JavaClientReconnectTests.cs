namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// Debian's ZooKeeper 3.8 Java client (the one zkCli and Curator use) through forced disconnects while it holds a
/// getData watch and a persistent recursive watch (addWatch): it comes back once per cut (no reconnect loop) and
/// both watches still fire.
/// </summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class JavaClientReconnectTests(ZkSiloFixture grid)
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task JavaClient_HoldingDataAndRecursiveWatches_ReconnectsOncePerCut_AndTheWatchesFire()
    {
        var root = $"/java-reconnect-{Guid.NewGuid():N}";
        await using var client = await RelayedJavaClient.StartAsync("JavaClientReconnect", grid.ZkPort, root, LineTimeout);
        Assert.Equal("ready", await client.ReadLineAsync());
        for (var cut = 1; cut <= 2; cut++)
        {
            await client.CutAsync();
            Assert.Equal("reconnected", await client.ReadLineAsync());
        }

        client.CloseInput();
        Assert.Equal($"event NodeDataChanged {root}/a", await client.ReadLineAsync());
        string[] recursive = [await client.ReadLineAsync(), await client.ReadLineAsync()];
        Assert.Equal([$"event NodeDataChanged {root}/a", $"event NodeCreated {root}/a/b"], recursive);
        Assert.Equal("connects 3", await client.ReadLineAsync());
        Assert.Equal("done", await client.ReadLineAsync());
        Assert.Equal(3, client.Relay.Accepted);
    }

    [Fact]
    public async Task CuratorCache_Initializes_AndKeepsFollowingTheTreeAcrossForcedReconnects()
    {
        var root = $"/curator-cache-{Guid.NewGuid():N}";
        await using var client = await RelayedJavaClient.StartAsync("CuratorCacheReconnect", grid.ZkPort, root, LineTimeout);
        Assert.Equal("initialized", await client.ReadLineAsync());
        for (var cut = 1; cut <= 2; cut++)
        {
            await client.CutAsync();
            Assert.Equal("reconnected", await client.ReadLineAsync());
        }

        client.CloseInput();
        Assert.Equal($"created {root}/after", await client.ReadLineAsync());
        Assert.Equal("reconnects 2", await client.ReadLineAsync());
        Assert.Equal("done", await client.ReadLineAsync());
        Assert.Equal(3, client.Relay.Accepted);
    }
}
