using System.Diagnostics;
using System.Threading.Channels;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Watches;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>
/// A client that watches recursively (subscribed to all 256 shard streams) is SIGKILLed; another client's watch
/// on a shard the silo's pulling agent has not carried anything on yet must still hear changes promptly.
/// </summary>
/// <remarks>
/// The first event on such a shard makes the agent register as the stream's producer and shake hands with every
/// subscriber the pub-sub lists, the dead client too, while its queue's reads are paused. Orleans' default
/// <c>ClientDropTimeout</c> (1 min) kept the dead client's messages queued at the gateway, so the handshake waited
/// for response timeouts (3 x 30 s) and every shard of that queue was silent for ~95 s
/// (<see cref="SiloBuilderWatchStreamExtensions.DeadClientDropTimeout"/> explains the fix).
/// </remarks>
public sealed class DeadWatcherTests
{
    /// <summary>
    /// How long the bystander may wait for its first streamed event, counted from the first write after the kill.
    /// With the fix the gateway drops the dead client 5-10 s after its connection closed (the drop timeout, checked
    /// once per drop timeout), the handshake fails at once with ClientNotAvailableException and the agent
    /// unregisters it: ~6-10 s. When the handshake reaches the gateway just as it drops the client, it waits one
    /// 30 s response timeout instead (~33 s; about 1 run in 5 on a loaded machine, more often with the silo's
    /// optimized first compilation). Without the fix: ~95 s (three such timeouts). 50 s lies between.
    /// </summary>
    private static readonly TimeSpan StreamedEventBound = TimeSpan.FromSeconds(50);

    [Fact]
    public async Task RecursiveWatcherKilled_BystanderHearsChangesOnAShardNotYetCarried_WithinBound()
    {
        var clusterId = $"dead-watcher-{Guid.NewGuid():N}";
        const string warm = "/warm";
        const string parent = "/services";
        var watched = $"{parent}/instance";
        // The warm-up write must not make the watched shard carried already (then there is no handshake to stall).
        Assert.NotEqual(WatchStreams.ShardOf(warm), WatchStreams.ShardOf(watched));

        await using var silo = await SiloProcess.StartHealthyAsync(clusterId, "--storage", "Memory");
        await using var bystander = await ToAsync(silo, clusterId);

        await using (var doomed = CoordWatchProcess.Start(silo, clusterId, "-R", "/"))
        {
            // It prints events only once all 256 subscriptions are made; keep writing until it has printed one.
            var subscribed = false;
            for (var i = 0; i < 60 && !subscribed; i++)
            {
                await bystander.CreateAsync($"{warm}-{i}", cancellationToken: Ct);
                subscribed = await doomed.PrintedAsync($"{warm}-", TimeSpan.FromSeconds(1));
            }

            Assert.True(subscribed, "the recursive watcher never printed an event");
            await doomed.KillHardAsync();
        }

        // Right after the kill, before any drop: the create is the watched shard's first event, so the agent
        // registers and shakes hands with the dead subscriber now.
        var sinceFirstWrite = Stopwatch.StartNew();
        await bystander.CreateAsync(parent, cancellationToken: Ct);
        await bystander.CreateAsync(watched, Utf8("0"), cancellationToken: Ct);
        await using var watch = await bystander.AddWatchAsync(watched);
        var streamed = Channel.CreateUnbounded<WatchEvent>();
        _ = Task.Run(async () =>
        {
            // Coalesced events are the resync's (a read-back every 30 s), not the stream's: not what this is about.
            await foreach (var change in watch.ReadAllAsync(Ct)) if (!change.Coalesced) streamed.Writer.TryWrite(change);
        }, Ct);

        // A steady stream of writes, as registrations of instances would be, until the watch hears one.
        WatchEvent? heard = null;
        for (var i = 1; heard is null && sinceFirstWrite.Elapsed < StreamedEventBound; i++)
        {
            await bystander.SetDataAsync(watched, Utf8($"{i}"), cancellationToken: Ct);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            wait.CancelAfter(TimeSpan.FromMilliseconds(250));
            try
            {
                heard = await streamed.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
            }
        }

        Assert.True(heard is not null,
            $"no streamed event on {watched} within {StreamedEventBound.TotalSeconds} s of the first write after the kill;\nsilo:\n{silo.Output}");
        TestContext.Current.SendDiagnosticMessage($"first streamed event {sinceFirstWrite.Elapsed.TotalSeconds:0.0} s after the first write");
        Assert.Equal(watched, heard.Path);
    }
}
