using static OrleansCoord.Silo.Tests.ZooKeeper.RawZkConnection;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>/zookeeper/config and /zookeeper/quota as a standalone ZooKeeper 3.8 has them, read-only.</summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class ZkSystemNodeTests(ZkSiloFixture grid)
{
    [Fact]
    public async Task ConfigAndQuota_ReadableAndEmpty_WritesRefused()
    {
        await using var zk = await ConnectAsync(grid.ZkPort);

        var children = await zk.CallAsync(Op.GetChildren2, PathWatch("/zookeeper"));
        Assert.Equal(Err.Ok, children.Err);
        Assert.Equal(["config", "quota"], children.Body.Strings().Order());
        Assert.Equal(2, children.Body.Stat().NumChildren);

        foreach (var path in new[] { "/zookeeper/config", "/zookeeper/quota" })
        {
            var data = await zk.CallAsync(Op.GetData, PathWatch(path));
            Assert.Equal(Err.Ok, data.Err);
            Assert.Equal(0, data.Body.Int());
            Assert.Equal(Err.NodeExists, (await zk.CallAsync(Op.Create, Create(path))).Err);
        }

        var acl = await zk.CallAsync(Op.GetAcl, Path("/zookeeper/config"));
        Assert.Equal(Err.Ok, acl.Err);
        Assert.Equal([1, 1], new[] { acl.Body.Int(), acl.Body.Int() });         // one entry, READ only
        Assert.Equal(("world", "anyone"), (acl.Body.String(), acl.Body.String()));
        Assert.Equal(Err.NoAuth, (await zk.CallAsync(Op.SetData, SetData("/zookeeper/config", "x"))).Err);
        Assert.Equal(Err.NoAuth, (await zk.CallAsync(Op.Delete, Delete("/zookeeper/config"))).Err);
        Assert.Equal(Err.BadArguments, (await zk.CallAsync(Op.SetData, SetData("/zookeeper/quota", "x"))).Err);

        // Curator re-registers a data watch on /zookeeper/config after every reconnect: nothing changed, nothing fires.
        var rewatch = await zk.CallAsync(Op.SetWatches2, new Packet().Long(0).Int(1).String("/zookeeper/config").Int(0).Int(0).Int(0).Int(0));
        Assert.Equal(Err.Ok, rewatch.Err);
        Assert.Empty(rewatch.Notifications);
    }
}
