using static OrleansCoord.Silo.Tests.ZooKeeper.RawZkConnection;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>setWatches, which ZooKeeper's Java client sends on reconnect: what changed since the client's last zxid
/// fires at once, the rest is registered again and fires later.</summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class ZkWatchReRegistrationTests(ZkSiloFixture grid)
{
    [Fact]
    public async Task SetWatches_FiresWhatChangedSinceTheClientsZxid_RegistersTheRest()
    {
        var root = $"/rewatch-{Guid.NewGuid():N}";
        await using var writer = await ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await writer.CallAsync(Op.Create, Create(root, "v0"))).Err);
        var lastSeen = (await writer.CallAsync(Op.Create, Create($"{root}/quiet"))).Zxid;

        // While "the client was away": a data change, and a node its exist watch waited for.
        Assert.Equal(Err.Ok, (await writer.CallAsync(Op.SetData, SetData(root, "v1"))).Err);
        Assert.Equal(Err.Ok, (await writer.CallAsync(Op.Create, Create($"{root}-born"))).Err);

        await using var client = await ConnectAsync(grid.ZkPort);
        var setWatches = new Packet().Long(lastSeen)
            .Int(1).String(root)                                          // data watches
            .Int(2).String($"{root}-born").String($"{root}-unborn")       // exist watches
            .Int(1).String($"{root}/quiet");                              // child watches
        var reply = await client.CallAsync(Op.SetWatches, setWatches, fixedXid: -8);
        Assert.Equal(Err.Ok, reply.Err);
        Assert.Equal([(Event.NodeCreated, $"{root}-born"), (Event.NodeDataChanged, root)], reply.Notifications.OrderBy(n => n.Type));

        // The watches that had nothing to report yet fire on the next change.
        Assert.Equal(Err.Ok, (await writer.CallAsync(Op.Create, Create($"{root}/quiet/child"))).Err);
        Assert.Equal(Err.Ok, (await writer.CallAsync(Op.Create, Create($"{root}-unborn"))).Err);
        var seen = new List<(int, string)>();
        for (var i = 0; i < 100 && seen.Count < 2; i++)
        {
            seen.AddRange((await client.CallAsync(Op.Ping, new Packet())).Notifications);
            if (seen.Count < 2) await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Equal([(Event.NodeCreated, $"{root}-unborn"), (Event.NodeChildrenChanged, $"{root}/quiet")], seen.OrderBy(n => n.Item1));
    }

    [Fact]
    public async Task SetWatches2_WithAnOrdinaryXid_ReplyEchoesIt_AndAddWatchReplyCarriesAnErrorResponse()
    {
        var root = $"/rewatch2-{Guid.NewGuid():N}";
        await using var writer = await ConnectAsync(grid.ZkPort);
        var lastSeen = (await writer.CallAsync(Op.Create, Create(root, "v0"))).Zxid;

        // As the 3.8 Java client sends them: the next ordinary xid (CallAsync fails on a reply with another xid).
        await using var client = await ConnectAsync(grid.ZkPort);
        var setWatches2 = new Packet().Long(lastSeen).Int(1).String(root).Int(0).Int(0).Int(0).Int(1).String(root);
        Assert.Equal(Err.Ok, (await client.CallAsync(Op.SetWatches2, setWatches2)).Err);

        // ZooKeeper answers addWatch with ErrorResponse(0) after the header; the Java client reads that int.
        var added = await client.CallAsync(Op.AddWatch, new Packet().String(root).Int(0));
        Assert.Equal(Err.Ok, added.Err);
        Assert.Equal(0, added.Body.Int());
    }
}
