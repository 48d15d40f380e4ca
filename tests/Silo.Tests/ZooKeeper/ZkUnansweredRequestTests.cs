using System.Diagnostics;
using static OrleansCoord.Silo.Tests.ZooKeeper.ZkRequests;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// A read the grid cannot serve within its patience, and a write whose outcome is unknown (here: storage hangs, so the
/// root's grain cannot load), close their connection after the replies before them, as a ZooKeeper server without
/// quorum does, instead of answering an error (OperationTimeout, SystemError) that ZooKeeper's clients do not expect
/// from a server. The sessions live on and resume once the grid serves again.
/// </summary>
public sealed class ZkUnansweredRequestTests
{
    private static readonly TimeSpan PingPeriod = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task ReadAndWriteTheGridCannotAnswer_CloseTheirConnections_SessionsResumeAfterwards()
    {
        var clusterId = $"zk-unanswered-{Guid.NewGuid():N}"[..20];
        var root = $"/unanswered-{Guid.NewGuid():N}";
        await using var storage = new AzuriteProcess();
        await storage.StartAsync();
        await using var silo = await SiloProcess.StartHealthyAsync(clusterId, "--connection-string", storage.ConnectionString);
        await using var reader = await RawZkConnection.ConnectAsync(silo.Ports.ZooKeeper);
        await using var writer = await RawZkConnection.ConnectAsync(silo.Ports.ZooKeeper);
        // Answered without the grid, and sent before the read: its reply must still go out.
        var served = await reader.SendAsync(Op.WhoAmI, new RawZkConnection.Packet());

        storage.Freeze();
        (bool Closed, List<(int Xid, int Err)> Replies) read, write;
        try
        {
            // Nothing of the tree was read on this silo yet: the root's grain must load from storage, which answers
            // nothing now.
            await reader.SendAsync(Op.Exists, PathWatch(root));
            await writer.SendAsync(Op.Create, Create(root, "written while storage hangs"));
            // Both at once: each connection must keep pinging while it waits.
            var (reading, writing) = (AwaitCloseAsync(reader, TimeSpan.FromMinutes(3)), AwaitCloseAsync(writer, TimeSpan.FromMinutes(3)));
            (read, write) = (await reading, await writing);
        }
        finally
        {
            storage.Thaw();
        }

        // The reply to the request before the read went out first; nothing after it (no error reply, no ping reply).
        Assert.True(read.Closed, $"the read's connection stayed open; replies (xid, err): {string.Join(", ", read.Replies)}\n{silo.Output}");
        Assert.Equal([(served, Err.Ok)], read.Replies);
        Assert.True(write.Closed, $"the write's connection stayed open; replies (xid, err): {string.Join(", ", write.Replies)}\n{silo.Output}");
        Assert.Empty(write.Replies);

        // Both sessions survived: they resume, and the read is served once storage answers again. (Whether the write
        // was applied is unknown to its client, as after ZooKeeper's ConnectionLoss.)
        foreach (var closed in new[] { reader, writer })
        {
            var attempts = new List<string>();
            await Poll.UntilAsync(async () =>
            {
                try
                {
                    await using var resumed = await RawZkConnection.ConnectAsync(silo.Ports.ZooKeeper, sessionId: closed.SessionId, password: closed.Password);
                    Assert.Equal(closed.SessionId, resumed.SessionId);
                    Assert.True(resumed.TimeoutMs > 0, "the session was answered as expired");
                    var err = (await resumed.CallAsync(Op.Exists, PathWatch(root))).Err;
                    attempts.Add($"exists: {err}");
                    return err is Err.Ok or Err.NoNode;
                }
                catch (IOException exception)
                {
                    attempts.Add(exception.Message);
                    return false;
                }
            }, TimeSpan.FromSeconds(90), () => $"not served after storage came back: {string.Join("; ", attempts)}\n{silo.Output}");
        }
    }

    /// <summary>
    /// A read the grid cannot serve closes its connection before the client gives up on the connection itself: a
    /// ZooKeeper client drops a connection it heard nothing from for 2/3 of its session timeout (here 18 s: 12 s),
    /// which the silo's fixed 15 s patience used to outlast. Its patience is now half the session timeout at most.
    /// </summary>
    [Fact]
    public async Task UnservedRead_ClosesBeforeAClientWithAShortSessionTimeoutGivesUp()
    {
        const int sessionTimeoutMs = 18_000;
        var clusterId = $"zk-patience-{Guid.NewGuid():N}"[..20];
        await using var storage = new AzuriteProcess();
        await storage.StartAsync();
        await using var silo = await SiloProcess.StartHealthyAsync(clusterId, "--connection-string", storage.ConnectionString);
        await using var reader = await RawZkConnection.ConnectAsync(silo.Ports.ZooKeeper, sessionTimeoutMs);
        Assert.Equal(sessionTimeoutMs, reader.TimeoutMs);
        var served = await reader.SendAsync(Op.WhoAmI, new RawZkConnection.Packet());

        storage.Freeze();
        (bool Closed, List<(int Xid, int Err)> Replies) read;
        try
        {
            await reader.SendAsync(Op.Exists, PathWatch($"/patience-{Guid.NewGuid():N}"));
            read = await AwaitCloseAsync(reader, TimeSpan.FromMilliseconds(sessionTimeoutMs * 2 / 3));
        }
        finally
        {
            storage.Thaw();
        }

        Assert.True(read.Closed, $"still open after 2/3 of the session timeout, where a ZooKeeper client gives up itself; " +
            $"replies (xid, err): {string.Join(", ", read.Replies)}\n{silo.Output}");
        Assert.Equal([(served, Err.Ok)], read.Replies);
    }

    /// <summary>
    /// getEphemerals is a read like the others (it lists the session's ephemerals in storage): while storage is down
    /// it is retried within its patience and then closes its connection, instead of answering the first failure
    /// (SystemError, which ZooKeeper's clients do not retry). Once storage is back the session resumes and it is served.
    /// </summary>
    [Fact]
    public async Task GetEphemeralsWhileStorageIsDown_RetriedThenClosed_NotAnsweredSystemError()
    {
        var clusterId = $"zk-ephemerals-{Guid.NewGuid():N}"[..20];
        var ephemeral = $"/ephemeral-{Guid.NewGuid():N}";
        await using var storage = new AzuriteProcess();
        await storage.StartAsync();
        await using var silo = await SiloProcess.StartHealthyAsync(clusterId, "--connection-string", storage.ConnectionString);
        await using var zk = await RawZkConnection.ConnectAsync(silo.Ports.ZooKeeper, timeoutMs: 30_000);
        Assert.Equal(Err.Ok, (await zk.CallAsync(Op.Create, Create(ephemeral, "mine", flags: 1))).Err);

        // Stopped, not frozen: requests are refused at once, so a non-retried call answers its first failure.
        Assert.True(await storage.StopGracefullyAsync(TimeSpan.FromSeconds(20)), $"Azurite ignored SIGTERM:\n{storage.Output}");
        (bool Closed, List<(int Xid, int Err)> Replies) listed;
        try
        {
            await zk.SendAsync(Op.GetEphemerals, Path("/"));
            listed = await AwaitCloseAsync(zk, TimeSpan.FromMinutes(2));
        }
        finally
        {
            await storage.StartAsync();
        }

        Assert.True(listed.Closed, $"answered instead of closing; replies (xid, err): {string.Join(", ", listed.Replies)}\n{silo.Output}");
        Assert.Empty(listed.Replies);

        var attempts = new List<string>();
        await Poll.UntilAsync(async () =>
        {
            try
            {
                await using var resumed = await RawZkConnection.ConnectAsync(silo.Ports.ZooKeeper, timeoutMs: 30_000, sessionId: zk.SessionId, password: zk.Password);
                Assert.True(resumed.TimeoutMs > 0, "the session was answered as expired");
                var reply = await resumed.CallAsync(Op.GetEphemerals, Path("/"));
                attempts.Add($"getEphemerals: {reply.Err}");
                if (reply.Err != Err.Ok) return false;
                Assert.Equal([ephemeral], reply.Body.Strings());
                return true;
            }
            catch (IOException exception)
            {
                attempts.Add(exception.Message);
                return false;
            }
        }, TimeSpan.FromSeconds(90), () => $"not served after storage came back: {string.Join("; ", attempts)}\n{silo.Output}");
    }

    /// <summary>Reads replies until the server closes the connection (or <paramref name="giveUpAfter"/> passes, as a
    /// ZooKeeper client gives up on a silent server), pinging meanwhile so that the connection is not dropped as silent
    /// (ping replies queue behind the pending request's).</summary>
    private static async Task<(bool Closed, List<(int Xid, int Err)> Replies)> AwaitCloseAsync(RawZkConnection zk, TimeSpan giveUpAfter)
    {
        var replies = new List<(int Xid, int Err)>();
        var clock = Stopwatch.StartNew();
        var next = zk.ReadPacketAsync();
        while (clock.Elapsed < giveUpAfter)
        {
            var left = giveUpAfter - clock.Elapsed;
            await Task.WhenAny(next, Task.Delay(left < PingPeriod ? left : PingPeriod, TestContext.Current.CancellationToken));
            if (next.IsCanceled && !TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                next = zk.ReadPacketAsync(); // Its own bound (60 s) passed with nothing to read.
            }
            else if (next.IsFaulted && next.Exception.InnerException is IOException)
            {
                return (true, replies); // Reset rather than FIN (our pings were still unread): closed as well.
            }
            else if (next.IsCompleted)
            {
                if (await next is not { } packet) return (true, replies);
                var reply = new RawZkConnection.Reader(packet);
                var (xid, _, err) = (reply.Int(), reply.Long(), reply.Int());
                replies.Add((xid, err));
                if (xid == -2) return (false, replies); // A ping answered: the request before it was answered too.
                next = zk.ReadPacketAsync();
            }

            try
            {
                await zk.SendAsync(Op.Ping, new RawZkConnection.Packet());
            }
            catch (IOException)
            {
                // Closed under the ping; the read above reports it next round.
            }
        }

        return (false, replies);
    }
}
