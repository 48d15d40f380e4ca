using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// A read the grid cannot serve within its patience (here: storage hangs, so the znode's grain cannot load) closes the
/// connection after the replies before it, as a ZooKeeper server without quorum does, instead of answering an error
/// that ZooKeeper's clients do not retry. The session lives on and resumes once the grid serves again.
/// </summary>
public sealed class ZkUnservedReadTests
{
    [Fact]
    public async Task ReadTheGridCannotServe_ClosesTheConnection_SessionResumesAfterwards()
    {
        var clusterId = $"zk-unserved-{Guid.NewGuid():N}"[..20];
        var root = $"/unserved-{Guid.NewGuid():N}";
        await using var storage = new AzuriteProcess();
        await storage.StartAsync();
        await using var silo = await SiloProcess.StartHealthyAsync(clusterId, "--connection-string", storage.ConnectionString);
        await using var zk = await RawZkConnection.ConnectAsync(silo.Ports.ZooKeeper);
        // Answered without the grid, and sent before the read: its reply must still go out.
        var served = await zk.SendAsync(Op.WhoAmI, new RawZkConnection.Packet());

        storage.Freeze();
        var replies = new List<(int Xid, int Err)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var closedAt = TimeSpan.Zero;
        try
        {
            // Nothing of the tree was read on this silo yet: the root's grain must load from storage, which answers
            // nothing now.
            await zk.SendAsync(Op.Exists, PathWatch(root));
            var next = zk.ReadPacketAsync();
            // Pings keep the connection from being dropped as silent; their replies queue behind the read's.
            while (clock.Elapsed < TimeSpan.FromSeconds(180))
            {
                await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken));
                if (next.IsCanceled && !TestContext.Current.CancellationToken.IsCancellationRequested)
                {
                    next = zk.ReadPacketAsync(); // Its own bound (60 s) passed with nothing to read.
                }
                else if (next.IsCompleted)
                {
                    if (await next is not { } packet)
                    {
                        closedAt = clock.Elapsed;
                        break;
                    }

                    var reply = new RawZkConnection.Reader(packet);
                    var (xid, _, err) = (reply.Int(), reply.Long(), reply.Int());
                    replies.Add((xid, err));
                    Assert.True(xid == served, $"request {xid} got an answer ({err}) at {clock.Elapsed} instead of a closed connection");
                    next = zk.ReadPacketAsync();
                }

                await zk.SendAsync(Op.Ping, new RawZkConnection.Packet());
            }
        }
        finally
        {
            storage.Thaw();
        }

        Assert.True(closedAt > TimeSpan.Zero, $"the connection stayed open for {clock.Elapsed}, neither answering nor closing:\n{silo.Output}");
        // The reply to the request before the read went out first; nothing after it (no error reply, no ping reply).
        Assert.Equal([(served, Err.Ok)], replies);

        // The session survived: it resumes, and the read is served once storage answers again.
        var attempts = new List<string>();
        await Poll.UntilAsync(async () =>
        {
            try
            {
                await using var resumed = await RawZkConnection.ConnectAsync(silo.Ports.ZooKeeper, sessionId: zk.SessionId, password: zk.Password);
                Assert.Equal(zk.SessionId, resumed.SessionId);
                Assert.True(resumed.TimeoutMs > 0, "the session was answered as expired");
                var err = (await resumed.CallAsync(Op.Exists, PathWatch(root))).Err;
                attempts.Add($"exists: {err}");
                return err == Err.NoNode;
            }
            catch (IOException exception)
            {
                attempts.Add(exception.Message);
                return false;
            }
        }, TimeSpan.FromSeconds(90), () => $"not served after storage came back: {string.Join("; ", attempts)}\n{silo.Output}");
    }
}
