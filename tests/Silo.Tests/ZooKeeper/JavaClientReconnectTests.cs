using System.Diagnostics;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// Debian's ZooKeeper 3.8 Java client (the one zkCli and Curator use) through forced disconnects while it holds a
/// getData watch and a persistent recursive watch (addWatch): it comes back once per cut (no reconnect loop) and
/// both watches still fire.
/// </summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class JavaClientReconnectTests(ZkSiloFixture grid)
{
    [Fact]
    public async Task JavaClient_HoldingDataAndRecursiveWatches_ReconnectsOncePerCut_AndTheWatchesFire()
    {
        using var java = await JavaProgram.CompileAsync("JavaClientReconnect");
        await using var relay = new LoopbackRelay(grid.ZkPort);
        var root = $"/java-reconnect-{Guid.NewGuid():N}";
        using var client = java.Start($"127.0.0.1:{relay.Port}", root);
        var stderr = client.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            Assert.Equal("ready", await ReadLineAsync(client, stderr));
            for (var cut = 1; cut <= 2; cut++)
            {
                relay.CutAll();
                await client.StandardInput.WriteLineAsync("cut");
                await client.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
                Assert.Equal("reconnected", await ReadLineAsync(client, stderr));
            }

            client.StandardInput.Close();
            Assert.Equal($"event NodeDataChanged {root}/a", await ReadLineAsync(client, stderr));
            string[] recursive = [await ReadLineAsync(client, stderr), await ReadLineAsync(client, stderr)];
            Assert.Equal([$"event NodeDataChanged {root}/a", $"event NodeCreated {root}/a/b"], recursive);
            Assert.Equal("connects 3", await ReadLineAsync(client, stderr));
            Assert.Equal("done", await ReadLineAsync(client, stderr));
            Assert.Equal(3, relay.Accepted);
        }
        finally
        {
            if (!client.HasExited) client.Kill(entireProcessTree: true);
            await client.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task CuratorCache_Initializes_AndKeepsFollowingTheTreeAcrossForcedReconnects()
    {
        using var java = await JavaProgram.CompileAsync("CuratorCacheReconnect");
        await using var relay = new LoopbackRelay(grid.ZkPort);
        var root = $"/curator-cache-{Guid.NewGuid():N}";
        using var client = java.Start($"127.0.0.1:{relay.Port}", root);
        var stderr = client.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            Assert.Equal("initialized", await ReadLineAsync(client, stderr));
            for (var cut = 1; cut <= 2; cut++)
            {
                relay.CutAll();
                await client.StandardInput.WriteLineAsync("cut");
                await client.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
                Assert.Equal("reconnected", await ReadLineAsync(client, stderr));
            }

            client.StandardInput.Close();
            Assert.Equal($"created {root}/after", await ReadLineAsync(client, stderr));
            Assert.Equal("reconnects 2", await ReadLineAsync(client, stderr));
            Assert.Equal("done", await ReadLineAsync(client, stderr));
            Assert.Equal(3, relay.Accepted);
        }
        finally
        {
            if (!client.HasExited) client.Kill(entireProcessTree: true);
            await client.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    private static Task<string> ReadLineAsync(Process process, Task<string> stderr) =>
        ExternalTool.ReadLineAsync(process, stderr, TimeSpan.FromSeconds(90));
}
