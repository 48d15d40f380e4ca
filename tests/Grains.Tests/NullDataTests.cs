using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

/// <summary>
/// Null data as ZooKeeper clients write it (the grain contracts take a null buffer; the ZooKeeper port passes it on):
/// the znode keeps it as null, and the SDK sees <see cref="NodeData.DataIsNull"/> with empty, never null, Data.
/// </summary>
public sealed class NullDataTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IZNodeGrain Node(string path) => fixture.Cluster.Client.GetGrain<IZNodeGrain>(path);

    [Fact]
    public async Task NullData_FromCreateAndSet_IsSeenBySdkAsDataIsNull_EmptyIsNot()
    {
        var root = $"/null-{Guid.NewGuid():N}";
        await Node("/").CreateChild(new CreateRequest(root[1..], [], CreateMode.Persistent, 0, 0, 0));
        await Node(root).CreateChild(new CreateRequest("created", null, CreateMode.Persistent, 0, 0, 0));
        await Node(root).CreateChild(new CreateRequest("set", [1, 2], CreateMode.Persistent, 0, 0, 0));
        await Node($"{root}/set").SetData(null, -1, 0);

        await using var client = await fixture.ConnectAsync();
        foreach (var path in new[] { $"{root}/created", $"{root}/set" })
        {
            var node = await client.GetDataAsync(path);
            Assert.True(node.DataIsNull, path);
            Assert.Empty(node.Data);
            Assert.Equal(0, node.Stat.DataLength);
        }

        Assert.False((await client.GetDataAsync(root)).DataIsNull);

        // The SDK writes no null data: null becomes empty, in a multi too.
        await client.CreateAsync($"{root}/sdk", null);
        await client.MultiAsync([new CreateOp($"{root}/sdk-multi", null), new SetDataOp($"{root}/sdk", null)]);
        foreach (var path in new[] { $"{root}/sdk", $"{root}/sdk-multi" }) Assert.False((await client.GetDataAsync(path)).DataIsNull, path);

        // Data set again is data again.
        await client.SetDataAsync($"{root}/set", [7]);
        var again = await client.GetDataAsync($"{root}/set");
        Assert.False(again.DataIsNull);
        Assert.Equal([7], again.Data);
    }
}
