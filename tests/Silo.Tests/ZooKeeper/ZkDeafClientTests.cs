using System.Diagnostics;
using System.Threading.Channels;
using static OrleansCoord.Silo.Tests.GridConnect;
using static OrleansCoord.Silo.Tests.ZooKeeper.RawZkConnection;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// A ZooKeeper client that stops reading its socket while it watches everything: its connection's queue of unwritten
/// watch events is bounded (<c>ZkConnection.MaxQueuedEvents</c>, docs/adr/014-watch-delivery.md), past it the
/// connection is closed (the session lives on, and the client would set its watches again), and meanwhile another
/// connection hears each change of its watch within a second of the write's acknowledgement (issue 20).
/// </summary>
public sealed class ZkDeafClientTests
{
    private static readonly TimeSpan EventBound = TimeSpan.FromSeconds(1);

    /// <summary>Enough events, even with the kernel's buffers in between, to pass the bound; the test stops at the close.</summary>
    private const int MaxFloodCreates = 60_000;

    private const string Closed = "watch events for this connection were lost or piled up; closing it";

    [Fact]
    public async Task ClientNotReadingItsSocket_IsDisconnected_AndHoldsUpNoOtherConnectionsEvents()
    {
        var clusterId = $"zk-deaf-{Guid.NewGuid():N}"[..20];
        await using var silo = await SiloProcess.StartHealthyAsync(clusterId, "--storage", "Memory");
        var port = silo.Ports.ZooKeeper;
        await using var writer = await ToAsync(silo, clusterId);
        await using var flooder = await ToAsync(silo, clusterId);
        var watched = await writer.CreateAsync($"/deaf-bystander-{Guid.NewGuid():N}", Utf8("0"), cancellationToken: Ct);

        // A small receive window, so that what the server sends piles up on its side soon; then a recursive watch of
        // everything, and no more reading (pings only, so that the session does not lapse meanwhile).
        await using var deaf = await ConnectAsync(port, timeoutMs: 40_000, receiveBuffer: 4096);
        Assert.Equal(Err.Ok, (await deaf.CallAsync(Op.AddWatch, new Packet().String("/").Int(1))).Err);
        using var stopPings = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var pings = PingAsync(deaf, stopPings.Token);

        await using var bystander = await ConnectAsync(port, timeoutMs: 40_000);
        Assert.Equal(Err.Ok, (await bystander.CallAsync(Op.AddWatch, new Packet().String(watched).Int(0))).Err);
        var heard = Channel.CreateUnbounded<string>();
        var reading = ReadNotificationsAsync(bystander, heard.Writer);
        var bystanderPings = PingAsync(bystander, stopPings.Token);

        // The flood: long paths (about 800 bytes per event on the wire) under many parents, so many shards.
        var flooding = FloodAsync(flooder, () => silo.Output.Contains(Closed, StringComparison.Ordinal));

        // Meanwhile the bystander's watch: each change within the bound of its acknowledgement, until the deaf one is out.
        var slowest = TimeSpan.Zero;
        var sets = 0;
        for (var i = 1; !flooding.IsCompleted || sets == 0; i++)
        {
            var revision = (await writer.SetDataAsync(watched, Utf8($"{i}"), cancellationToken: Ct)).Mzxid;
            var acknowledged = Stopwatch.StartNew();
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            wait.CancelAfter(EventBound);
            try
            {
                Assert.Equal(watched, await heard.Reader.ReadAsync(wait.Token));
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                Assert.Fail($"set {i} (revision {revision}) not heard by the bystander within {EventBound.TotalSeconds} s of its acknowledgement;\n{silo.Output}");
            }

            slowest = acknowledged.Elapsed > slowest ? acknowledged.Elapsed : slowest;
            sets++;
            await Task.Delay(50, Ct);
        }

        var creates = await flooding;
        Assert.True(silo.Output.Contains(Closed, StringComparison.Ordinal),
            $"{creates} creates and the deaf connection still open;\n{silo.Output}");
        // The close is counted on /metrics (the connection's queue overflowed, or the watch shard dropped events for the silo).
        await ZkMetricsTests.ScrapeUntilAsync(silo, t => PrometheusText.Sum(t, "coord_zookeeper_watch_disconnects_total") >= 1, "the deaf connection's close");

        // What the kernel still held reaches the deaf client, then the end of the connection.
        var drained = await deaf.ReadUntilClosedAsync();
        await stopPings.CancelAsync();
        await pings;
        await bystanderPings;
        Assert.True(drained.Count < creates, $"all {creates} events reached the deaf client although it was disconnected");

        // Its session lives on: the client reconnects (and would set its watches again from the last zxid it saw).
        await using var resumed = await ConnectAsync(port, sessionId: deaf.SessionId, password: deaf.Password);
        Assert.Equal(deaf.SessionId, resumed.SessionId);
        Assert.True(resumed.TimeoutMs > 0, "the deaf client's session had ended");
        TestContext.Current.SendDiagnosticMessage(
            $"{creates} creates until the close, {drained.Count} packets drained after it; {sets} bystander sets, slowest {slowest.TotalMilliseconds:0.0} ms");
        _ = reading;
    }

    private static async Task<int> FloodAsync(OrleansCoord.Client.CoordClient client, Func<bool> done)
    {
        var padding = new string('x', 700);
        var parents = new List<string>();
        for (var p = 0; p < 32; p++) parents.Add(await client.CreateAsync($"/deaf-flood-{Guid.NewGuid():N}", cancellationToken: Ct));
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            int n;
            while (!done() && (n = Interlocked.Increment(ref next)) < MaxFloodCreates)
            {
                await client.CreateAsync($"{parents[n % parents.Count]}/{n:D8}-{padding}", cancellationToken: Ct);
            }
        }));
        return Math.Min(Volatile.Read(ref next), MaxFloodCreates);
    }

    private static async Task PingAsync(RawZkConnection connection, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await connection.SendAsync(Op.Ping, new Packet());
                await Task.Delay(TimeSpan.FromSeconds(2), stop);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Stopped, or the server closed the connection.
        }
    }

    /// <summary>The paths of the notifications the connection receives (replies, here to pings, are skipped).</summary>
    private static async Task ReadNotificationsAsync(RawZkConnection connection, ChannelWriter<string> paths)
    {
        try
        {
            while (await connection.ReadPacketAsync() is { } packet)
            {
                var reader = new Reader(packet);
                if (reader.Int() != -1) continue;
                _ = (reader.Long(), reader.Int(), reader.Int(), reader.Int());
                paths.TryWrite(reader.String()!);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            paths.TryComplete();
        }
    }
}
