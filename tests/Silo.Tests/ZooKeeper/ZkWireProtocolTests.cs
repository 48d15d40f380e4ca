using OrleansCoord.ZNodes;
using static OrleansCoord.Silo.Tests.GridConnect;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>The ZooKeeper port spoken at the byte level: the ops, their error codes, order, and the SDK's view of it.</summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class ZkWireProtocolTests(ZkSiloFixture grid)
{
    [Fact]
    public async Task Ops_AnswerLikeZooKeeper_WithZooKeepersErrorCodes()
    {
        var root = $"/ops-{Guid.NewGuid():N}";
        await using var zk = await RawZkConnection.ConnectAsync(grid.ZkPort, timeoutMs: 1_000);
        Assert.NotEqual(0, zk.SessionId);
        Assert.Equal(2_000, zk.TimeoutMs); // negotiated into the grid's 2-60 s
        Assert.Equal(16, zk.Password.Length);

        var created = await zk.CallAsync(Op.Create, Create(root, "hello"));
        Assert.Equal(Err.Ok, created.Err);
        Assert.Equal(root, created.Body.String());
        Assert.Equal(Err.NodeExists, (await zk.CallAsync(Op.Create, Create(root))).Err);

        var read = await zk.CallAsync(Op.GetData, PathWatch(root));
        Assert.Equal("hello", ZkRequests.Text(read.Body.Buffer()));
        var stat = read.Body.Stat();
        Assert.Equal((0, 5, 0), (stat.Version, stat.DataLength, stat.NumChildren));
        Assert.True(read.Zxid >= stat.Mzxid, "the reply's zxid covers what it shows");

        Assert.Equal(Err.BadVersion, (await zk.CallAsync(Op.SetData, SetData(root, "x", version: 5))).Err);
        var set = await zk.CallAsync(Op.SetData, SetData(root, "world", version: 0));
        Assert.Equal(1, set.Body.Stat().Version);

        var child = await zk.CallAsync(Op.Create2, Create($"{root}/seq-", "", flags: 3));
        Assert.Equal($"{root}/seq-0000000000", child.Body.String());
        Assert.Equal(zk.SessionId, child.Body.Stat().EphemeralOwner);
        Assert.Equal(Err.NoChildrenForEphemerals, (await zk.CallAsync(Op.Create, Create($"{root}/seq-0000000000/x"))).Err);
        Assert.Equal(Err.NotEmpty, (await zk.CallAsync(Op.Delete, Delete(root))).Err);

        var children = await zk.CallAsync(Op.GetChildren2, PathWatch(root));
        Assert.Equal(["seq-0000000000"], children.Body.Strings());
        Assert.Equal(1, children.Body.Stat().NumChildren);
        Assert.Equal(1, (await zk.CallAsync(Op.GetAllChildrenNumber, Path(root))).Body.Int());
        Assert.Equal([$"{root}/seq-0000000000"], (await zk.CallAsync(Op.GetEphemerals, Path(root))).Body.Strings());
        Assert.Equal(root, (await zk.CallAsync(Op.Sync, Path(root))).Body.String());

        Assert.Equal(Err.NoNode, (await zk.CallAsync(Op.Exists, PathWatch($"{root}/missing"))).Err);
        Assert.Equal(Err.NoNode, (await zk.CallAsync(Op.GetData, PathWatch($"{root}/missing"))).Err);
        Assert.Equal(Err.NoNode, (await zk.CallAsync(Op.Create, Create($"{root}/missing/child"))).Err);
        Assert.Equal(Err.BadArguments, (await zk.CallAsync(Op.Create, Create("no-slash"))).Err);
        Assert.Equal(Err.BadArguments, (await zk.CallAsync(Op.GetData, PathWatch($"{root}/../x"))).Err);
        Assert.Equal(Err.BadVersion, (await zk.CallAsync(Op.Delete, Delete($"{root}/seq-0000000000", version: 7))).Err);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Delete, Delete($"{root}/seq-0000000000"))).Err);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Delete, Delete(root, version: 1))).Err);
        Assert.Equal(Err.NoNode, (await zk.CallAsync(Op.Exists, PathWatch(root))).Err);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Ping, new RawZkConnection.Packet())).Err);
    }

    [Fact]
    public async Task PipelinedRequests_AreAppliedAndAnsweredInOrder()
    {
        var root = $"/order-{Guid.NewGuid():N}";
        await using var zk = await RawZkConnection.ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create(root))).Err);

        // None waits for the one before: ZooKeeper applies them in order anyway, and so must the grid.
        var xids = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            var path = $"{root}/n{i}";
            xids.Add(await zk.SendAsync(Op.Create, Create(path, "a")));
            xids.Add(await zk.SendAsync(Op.SetData, SetData(path, "b", version: 0)));
            xids.Add(await zk.SendAsync(Op.GetData, PathWatch(path)));
            xids.Add(await zk.SendAsync(Op.Delete, Delete(path, version: 1)));
            xids.Add(await zk.SendAsync(Op.Exists, PathWatch(path)));
        }

        for (var i = 0; i < xids.Count; i += 5)
        {
            Assert.Equal(Err.Ok, (await zk.ReadReplyAsync(xids[i])).Err);
            Assert.Equal(1, (await zk.ReadReplyAsync(xids[i + 1])).Body.Stat().Version);
            Assert.Equal("b", ZkRequests.Text((await zk.ReadReplyAsync(xids[i + 2])).Body.Buffer()));
            Assert.Equal(Err.Ok, (await zk.ReadReplyAsync(xids[i + 3])).Err);
            Assert.Equal(Err.NoNode, (await zk.ReadReplyAsync(xids[i + 4])).Err);
        }
    }

    [Fact]
    public async Task PipelinedSequentialCreates_AreNumberedInTheOrderSent()
    {
        // Curator's DistributedQueue puts in the background: its consumer takes items in sequence order, so a number
        // handed out of send order reorders the queue (seen in CI: "consumed [item-0, item-2, item-1, ...]").
        var root = $"/seq-order-{Guid.NewGuid():N}";
        await using var zk = await RawZkConnection.ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create(root))).Err);

        var xids = new List<int>();
        for (var i = 0; i < 100; i++)
        {
            xids.Add(await zk.SendAsync(Op.Create, Create($"{root}/item-", $"{i}", flags: 2)));
            // A plain create between them commutes with the sequential ones and may run beside them.
            if (i % 10 == 0) xids.Add(await zk.SendAsync(Op.Create, Create($"{root}/plain-{i}")));
        }

        var names = new List<string>();
        foreach (var xid in xids)
        {
            var reply = await zk.ReadReplyAsync(xid);
            Assert.Equal(Err.Ok, reply.Err);
            var name = reply.Body.String()![(root.Length + 1)..];
            if (name.StartsWith("item-", StringComparison.Ordinal)) names.Add(name);
        }

        Assert.Equal(100, names.Count);
        Assert.Equal([.. names.Order(StringComparer.Ordinal)], names);
        for (var i = 0; i < 100; i++)
        {
            var read = await zk.CallAsync(Op.GetData, PathWatch($"{root}/{names[i]}"));
            Assert.Equal($"{i}", ZkRequests.Text(read.Body.Buffer()));
        }
    }

    [Fact]
    public async Task PipelinedCreatesOfAParentAndItsChild_BothApply_AndTheParentsStatCountsThem()
    {
        // The child's create goes to the parent's grain: it must wait for the parent's create, not race it to NoNode.
        var root = $"/nested-{Guid.NewGuid():N}";
        await using var zk = await RawZkConnection.ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create(root))).Err);

        // And a read of the parent's Stat sent after a create counts the child, as ZooKeeper's would.
        var xids = new List<int>();
        for (var i = 0; i < 30; i++)
        {
            xids.Add(await zk.SendAsync(Op.Create, Create($"{root}/p{i}")));
            xids.Add(await zk.SendAsync(Op.Create, Create($"{root}/p{i}/c")));
            xids.Add(await zk.SendAsync(Op.Create, Create($"{root}/p{i}/c/d-", flags: 2)));
            xids.Add(await zk.SendAsync(Op.Exists, PathWatch(root)));
        }

        for (var i = 0; i < xids.Count; i += 4)
        {
            for (var j = 0; j < 3; j++) Assert.Equal(Err.Ok, (await zk.ReadReplyAsync(xids[i + j])).Err);
            Assert.Equal(i / 4 + 1, (await zk.ReadReplyAsync(xids[i + 3])).Body.Stat().NumChildren);
        }
    }

    [Fact]
    public async Task PipelinedWatchAndSessionRequests_SeeTheWritesSentBeforeThem()
    {
        var root = $"/pipelined-{Guid.NewGuid():N}";
        await using var zk = await RawZkConnection.ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create(root))).Err);
        for (var i = 0; i < 10; i++) Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create($"{root}/w{i}"))).Err);

        // addWatch then a set of the watched znode: the watch was there first, so the set fires it. An ephemeral
        // created just before getEphemerals or getAllChildrenNumber is counted.
        var xids = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            xids.Add(await zk.SendAsync(Op.AddWatch, new RawZkConnection.Packet().String($"{root}/w{i}").Int(0)));
            xids.Add(await zk.SendAsync(Op.SetData, SetData($"{root}/w{i}", "changed")));
            xids.Add(await zk.SendAsync(Op.GetData, PathWatch($"{root}/w{i}")));
            xids.Add(await zk.SendAsync(Op.Create, Create($"{root}/w{i}/e", flags: 1)));
            xids.Add(await zk.SendAsync(Op.GetEphemerals, Path(root)));
            xids.Add(await zk.SendAsync(Op.GetAllChildrenNumber, Path(root)));
        }

        var notified = new List<(int Type, string Path)>();
        for (var i = 0; i < 10; i++)
        {
            var path = $"{root}/w{i}";
            var replies = new List<RawZkConnection.Reply>();
            for (var j = 0; j < 6; j++)
            {
                var reply = await zk.ReadReplyAsync(xids[i * 6 + j]);
                notified.AddRange(reply.Notifications);
                replies.Add(reply);
            }

            Assert.Equal(Err.Ok, replies[0].Err);
            Assert.Equal(Err.Ok, replies[1].Err);
            Assert.Equal(Err.Ok, replies[3].Err);
            Assert.Contains($"{path}/e", replies[4].Body.Strings());
            Assert.Equal(10 + i + 1, replies[5].Body.Int());
        }

        // A persistent watch's event comes from the watch stream, possibly after later replies (GUARANTEES 66's limit).
        var expected = Enumerable.Range(0, 10).Select(i => (Event.NodeDataChanged, $"{root}/w{i}")).ToList();
        await Poll.UntilAsync(async () =>
        {
            notified.AddRange((await zk.CallAsync(Op.Ping, new RawZkConnection.Packet())).Notifications);
            return expected.All(notified.Contains);
        }, TimeSpan.FromSeconds(10), () => $"notified: {string.Join(", ", notified)}");
    }

    [Fact]
    public async Task WireAndSdk_ShareEphemeralsAndWatches()
    {
        var root = $"/shared-{Guid.NewGuid():N}";
        await using var zk = await RawZkConnection.ConnectAsync(grid.ZkPort);
        await using var sdk = await GridConnect.ToAsync(grid.Silo, grid.ClusterId);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create(root, "v0"))).Err);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create($"{root}/member", "me", flags: 1))).Err);

        // The wire session is a grid session: the SDK sees it own the ephemeral.
        Assert.Equal(zk.SessionId, (await sdk.ExistsAsync($"{root}/member", Ct))?.EphemeralOwner);

        // A watch set over the wire fires on an SDK write, and comes before the reply that shows the change.
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.GetData, PathWatch(root, watch: true))).Err);
        await sdk.SetDataAsync(root, Utf8("v1"), cancellationToken: Ct);
        var reread = await zk.CallAsync(Op.GetData, PathWatch(root));
        Assert.Equal("v1", ZkRequests.Text(reread.Body.Buffer()));
        Assert.Contains((Event.NodeDataChanged, root), reread.Notifications);

        // An SDK ephemeral is owned by the SDK's session, seen the same way over the wire.
        await sdk.CreateAsync($"{root}/sdk-member", Utf8("sdk"), CreateMode.Ephemeral, cancellationToken: Ct);
        Assert.Equal(sdk.SessionId, (await zk.CallAsync(Op.Exists, PathWatch($"{root}/sdk-member"))).Body.Stat().EphemeralOwner);

        // closeSession ends the grid session: its ephemeral is gone when the reply arrives.
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.CloseSession, new RawZkConnection.Packet())).Err);
        Assert.Null(await sdk.ExistsAsync($"{root}/member", Ct));
        Assert.Empty(await zk.ReadUntilClosedAsync());
    }

    [Fact]
    public async Task Watch_FiresOnceForAChangeMadeElsewhere_ThenIsGone()
    {
        var root = $"/watch-{Guid.NewGuid():N}";
        await using var watcher = await RawZkConnection.ConnectAsync(grid.ZkPort);
        await using var writer = await RawZkConnection.ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await writer.CallAsync(Op.Create, Create(root))).Err);
        Assert.Equal(Err.Ok, (await watcher.CallAsync(Op.GetChildren, PathWatch(root, watch: true))).Err);
        Assert.Equal(Err.NoNode, (await watcher.CallAsync(Op.Exists, PathWatch($"{root}/later", watch: true))).Err);

        Assert.Equal(Err.Ok, (await writer.CallAsync(Op.Create, Create($"{root}/later"))).Err);
        Assert.Equal(Err.Ok, (await writer.CallAsync(Op.Create, Create($"{root}/second"))).Err);

        // Pings until both events arrived; the child watch fired once although two children came.
        var seen = new List<(int, string)>();
        for (var i = 0; i < 100 && seen.Count < 2; i++)
        {
            seen.AddRange((await watcher.CallAsync(Op.Ping, new RawZkConnection.Packet())).Notifications);
            if (seen.Count < 2) await Task.Delay(100, Ct);
        }

        Assert.Contains((Event.NodeCreated, $"{root}/later"), seen);
        Assert.Contains((Event.NodeChildrenChanged, root), seen);
        Assert.Single(seen, e => e.Item1 == Event.NodeChildrenChanged);
    }

    [Fact]
    public async Task Reconnect_WithIdAndPassword_ResumesTheSession_WrongPasswordIsExpired()
    {
        var path = $"/resume-{Guid.NewGuid():N}";
        long sessionId;
        byte[] password;
        await using (var first = await RawZkConnection.ConnectAsync(grid.ZkPort))
        {
            Assert.Equal(Err.Ok, (await first.CallAsync(Op.Create, Create(path, "", flags: 1))).Err);
            (sessionId, password) = (first.SessionId, first.Password);
        }

        await using var resumed = await RawZkConnection.ConnectAsync(grid.ZkPort, sessionId: sessionId, password: password);
        Assert.Equal(sessionId, resumed.SessionId);
        Assert.True(resumed.TimeoutMs > 0);
        Assert.Equal(sessionId, (await resumed.CallAsync(Op.Exists, PathWatch(path))).Body.Stat().EphemeralOwner);

        var forged = (byte[])password.Clone();
        forged[0] ^= 1;
        await using var refused = await RawZkConnection.ConnectAsync(grid.ZkPort, sessionId: sessionId, password: forged);
        Assert.Equal(0, refused.TimeoutMs);
        Assert.Empty(await refused.ReadUntilClosedAsync());
    }
}
