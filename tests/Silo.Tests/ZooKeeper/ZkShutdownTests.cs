using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>A silo with ZooKeeper clients connected still shuts down gracefully, and tells them by closing.</summary>
public sealed class ZkShutdownTests
{
    [Fact]
    public async Task SiloStopping_ClosesZooKeeperConnections_AndShutsDownGracefully()
    {
        await using var silo = await SiloProcess.StartHealthyAsync($"zk-stop-{Guid.NewGuid():N}"[..16], "--storage", "Memory");
        await using var zk = await RawZkConnection.ConnectAsync(silo.Ports.ZooKeeper);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create($"/stop-{Guid.NewGuid():N}"))).Err);

        Assert.Equal(0, await silo.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        Assert.DoesNotContain("non-graceful", silo.Output);
        Assert.Empty(await zk.ReadUntilClosedAsync());
    }
}
