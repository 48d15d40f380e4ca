using System.Text;
using Orleans.TestingHost;
using OrleansCoord.Client;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>Acknowledged writes survive a restart of the whole cluster on Azurite; ephemerals of ended sessions do not.</summary>
public sealed class AzuriteDurabilityTests
{
    [Fact]
    public async Task AcknowledgedWrites_SurviveClusterRestart()
    {
        Azurite.Require();
        var serviceId = "dur" + Guid.NewGuid().ToString("N")[..16];
        Stat stored;
        string abandonedEphemeral;

        await using (var first = await StartAsync(serviceId))
        {
            var client = await CoordClient.ConnectAsync(first.Client, TimeSpan.FromSeconds(10));
            await client.CreateAsync("/d", Encoding.UTF8.GetBytes("v0"));
            stored = await client.SetDataAsync("/d", Encoding.UTF8.GetBytes("v1"), 0);
            for (var i = 0; i < 3; i++) await client.CreateAsync("/d/s-", mode: CreateMode.PersistentSequential);
            await client.DeleteAsync("/d/s-0000000002");
            await client.MultiAsync([new CreateOp("/d/m", []), new SetDataOp("/d/m", Encoding.UTF8.GetBytes("multi"))]);

            var closed = await CoordClient.ConnectAsync(first.Client, TimeSpan.FromSeconds(10));
            await closed.CreateAsync("/d/closed", mode: CreateMode.Ephemeral);
            await closed.CloseAsync();

            var abandoned = await CoordClient.ConnectAsync(first.Client, TimeSpan.FromSeconds(2));
            abandonedEphemeral = await abandoned.CreateAsync("/d/abandoned", mode: CreateMode.Ephemeral);
            await abandoned.AbandonAsync();
            await client.CloseAsync();
            await first.StopAllSilosAsync();
        }

        await using var second = await StartAsync(serviceId);
        await using var reader = await CoordClient.ConnectAsync(second.Client, TimeSpan.FromSeconds(10));
        var node = await reader.GetDataAsync("/d");
        Assert.Equal("v1", Encoding.UTF8.GetString(node.Data));
        Assert.Equal(stored with { NumChildren = node.Stat.NumChildren, Pzxid = node.Stat.Pzxid, Cversion = node.Stat.Cversion }, node.Stat);
        Assert.Equal("multi", Encoding.UTF8.GetString((await reader.GetDataAsync("/d/m")).Data));
        Assert.Equal("/d/s-0000000003", await reader.CreateAsync("/d/s-", mode: CreateMode.PersistentSequential));
        Assert.Null(await reader.ExistsAsync("/d/closed"));

        // The abandoned session's record survived the restart: the sweeper brings it back and it expires.
        await Poll.UntilAsync(async () => await reader.ExistsAsync(abandonedEphemeral) is null,
            TimeSpan.FromSeconds(2 + 2 + 15), "expiry of a session left open across the restart"); // timeout + grace + 15 s
        Assert.Equal(["m", "s-0000000000", "s-0000000001", "s-0000000003"], (await reader.GetChildrenAsync("/d")).Children);
    }

    private static async Task<TestCluster> StartAsync(string serviceId)
    {
        var builder = new TestClusterBuilder(2);
        builder.Options.ServiceId = serviceId;
        builder.AddGridSilos(TestGrid.OnAzurite(serviceId));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
