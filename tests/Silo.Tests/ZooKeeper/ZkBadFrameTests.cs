using static OrleansCoord.Silo.Tests.ZooKeeper.RawZkConnection;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>Crafted bad packets get the right error or a clean close of their own connection; another session
/// on the same silo keeps working throughout.</summary>
[Collection(nameof(ZkSiloCollection))]
public sealed class ZkBadFrameTests(ZkSiloFixture grid)
{
    [Fact]
    public async Task BadFrames_CloseOnlyTheirConnection_OtherSessionKeepsWorking()
    {
        var root = $"/bad-{Guid.NewGuid():N}";
        await using var bystander = await ConnectAsync(grid.ZkPort);
        Assert.Equal(Err.Ok, (await bystander.CallAsync(Op.Create, Create(root, "steady"))).Err);

        // A length too short to hold a request header: the framing cannot be trusted, the connection closes.
        await using (var shortLength = await ConnectAsync(grid.ZkPort))
        {
            await shortLength.SendRawAsync(new Packet().Int(3).Bytes([1, 2, 3]).ToArray());
            Assert.Empty(await shortLength.ReadUntilClosedAsync());
        }

        // A length far beyond the 1 MiB limit, and a negative one: closed without reading on.
        foreach (var length in new[] { int.MaxValue, 8 * 1024 * 1024, -5 })
        {
            await using var huge = await ConnectAsync(grid.ZkPort);
            await huge.SendRawAsync(new Packet().Int(length).Int(1).Int(Op.GetData).ToArray());
            Assert.Empty(await huge.ReadUntilClosedAsync());
        }

        // An unknown request type: answered with Err.Unimplemented, then closed (as ZooKeeper's UnimplementedRequestProcessor).
        await using (var unknown = await ConnectAsync(grid.ZkPort))
        {
            var xid = await unknown.SendAsync(999, Path(root));
            Assert.Equal(Err.Unimplemented, (await unknown.ReadReplyAsync(xid)).Err);
            Assert.Empty(await unknown.ReadUntilClosedAsync());
        }

        // A record cut short (a path claiming 100 bytes, 3 sent): Err.MarshallingError, then closed.
        await using (var truncated = await ConnectAsync(grid.ZkPort))
        {
            var xid = await truncated.SendAsync(Op.GetData, new Packet().Int(100).Bytes([(byte)'/', (byte)'a', (byte)'b']));
            Assert.Equal(Err.MarshallingError, (await truncated.ReadReplyAsync(xid)).Err);
            Assert.Empty(await truncated.ReadUntilClosedAsync());
        }

        // A bad path is bad input, not a bad packet: Err.BadArguments, nothing created, the connection goes on.
        await using (var badPath = await ConnectAsync(grid.ZkPort))
        {
            foreach (var path in new[] { "relative", $"{root}/", $"{root}//x", $"{root}/./x", "/zookeeper/x", $"{root}/a\u0001b" })
            {
                Assert.Equal(Err.BadArguments, (await badPath.CallAsync(Op.Create, Create(path))).Err);
            }

            Assert.Equal(Err.Ok, (await badPath.CallAsync(Op.Create, Create($"{root}/fine"))).Err);
        }

        // Garbage instead of a connect request: closed, no answer.
        using (var tcp = new System.Net.Sockets.TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", grid.ZkPort, TestContext.Current.CancellationToken);
            var stream = tcp.GetStream();
            await stream.WriteAsync(new Packet().Int(12).Int(0).Int(0).Int(0).ToArray(), TestContext.Current.CancellationToken);
            var buffer = new byte[64];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            Assert.Equal(0, await stream.ReadAsync(buffer, timeout.Token));
        }

        // A client claiming a last zxid far in the future (revisions are microseconds since the epoch) is refused,
        // as ZooKeeper refuses a client that has seen more than the server.
        using (var tcp = new System.Net.Sockets.TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", grid.ZkPort, TestContext.Current.CancellationToken);
            var stream = tcp.GetStream();
            var connect = new Packet().Int(0).Long(long.MaxValue).Int(10_000).Long(0).Buffer(new byte[16]).Bool(false);
            await stream.WriteAsync(connect.Framed(), TestContext.Current.CancellationToken);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            Assert.Equal(0, await stream.ReadAsync(new byte[64], timeout.Token));
        }

        // Through all of it, the other session carried on, and the grid holds only what was valid.
        var read = await bystander.CallAsync(Op.GetChildren, PathWatch(root));
        Assert.Equal(Err.Ok, read.Err);
        Assert.Equal(["fine"], read.Body.Strings());
        Assert.Equal("steady", ZkRequests.Text((await bystander.CallAsync(Op.GetData, PathWatch(root))).Body.Buffer()));
    }
}
