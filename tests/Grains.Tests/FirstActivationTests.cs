using System.Text;
using Orleans.Core.Internal;
using Orleans.Runtime;
using OrleansCoord.Grains.Storage;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.Grains.ZNodes;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>
/// A created child's first activation takes the record its parent handed off (from the parent's silo without a
/// call, docs/adr/003). The hand-off must never be older than storage: these tests change the children's records
/// behind the grains (what an activation elsewhere would have written) after the parent stopped vouching for them.
/// Many children, so that some surely activate on the parent's silo (placement is random over three silos).
/// </summary>
public sealed class FirstActivationTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const int Children = 40;

    private MemoryTreeStore Store => MemoryTreeStore.GetShared(fixture.Cluster.Options.ClusterId);

    [Fact]
    public async Task ChildrenOfADeactivatedParent_ReadStorage_NotItsHandoffs()
    {
        await using var client = await fixture.ConnectAsync();
        var parent = await CreateParentWithChildrenAsync(client);
        var parentGrain = fixture.Cluster.Client.GetGrain<IZNodeGrain>(parent);
        Assert.True(await IsActiveAsync(parentGrain));

        await parentGrain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Poll.UntilAsync(async () => !await IsActiveAsync(parentGrain), TimeSpan.FromSeconds(10), "the parent's deactivation");
        await RewriteChildrenAsync(parent, "changed");

        await AssertChildrenReadAsync(client, parent, "changed");
    }

    [Fact]
    public async Task ChildrenOfAParentThatFoundStorageMovedOn_ReadStorage_NotItsHandoffs()
    {
        await using var client = await fixture.ConnectAsync();
        var parent = await CreateParentWithChildrenAsync(client);

        // Storage moves on behind the parent (as another activation of it would write), and the children change.
        var stored = await Store.ReadAsync(TreeKeys.Node(parent));
        Assert.True((await Store.CommitAsync([RecordWrite.Replace(stored!.Key, stored.Value, stored.Token)])).Committed);
        await RewriteChildrenAsync(parent, "changed");

        // sync finds the parent's token stale: it forgets what it knew, its hand-offs included.
        await client.SyncAsync(parent);
        await AssertChildrenReadAsync(client, parent, "changed");
    }

    private async Task<bool> IsActiveAsync(IZNodeGrain grain)
    {
        var activations = await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return activations.Any(a => a.GrainId == grain.GetGrainId());
    }

    private static async Task<string> CreateParentWithChildrenAsync(OrleansCoord.Client.CoordClient client)
    {
        var parent = await client.CreateAsync($"/handoff-{Guid.NewGuid():N}");
        for (var i = 0; i < Children; i++) await client.CreateAsync($"{parent}/c{i}", Encoding.UTF8.GetBytes("created"));
        return parent;
    }

    private async Task RewriteChildrenAsync(string parent, string data)
    {
        for (var i = 0; i < Children; i++)
        {
            var stored = await Store.ReadAsync(TreeKeys.Node($"{parent}/c{i}"));
            var record = ZNodeRecordCodec.Decode(stored!.Value) with { Data = Encoding.UTF8.GetBytes(data), Version = 1 };
            var write = RecordWrite.Replace(stored.Key, ZNodeRecordCodec.Encode(record), stored.Token);
            Assert.True((await Store.CommitAsync([write])).Committed);
        }
    }

    private static async Task AssertChildrenReadAsync(OrleansCoord.Client.CoordClient client, string parent, string data)
    {
        for (var i = 0; i < Children; i++)
        {
            var read = await client.GetDataAsync($"{parent}/c{i}");
            Assert.Equal(data, Encoding.UTF8.GetString(read.Data));
            Assert.Equal(1, read.Stat.Version);
        }
    }
}
