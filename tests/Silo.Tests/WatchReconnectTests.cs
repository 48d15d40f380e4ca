using System.Threading.Channels;
using OrleansCoord.Errors;
using OrleansCoord.Watches;
using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>
/// A watcher whose only gateway dies hears Disconnected, and when the silo is back, SyncConnected and the change
/// made meanwhile through another silo (delivered, or made up by the resync as a coalesced event).
/// </summary>
public sealed class WatchReconnectTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task GatewayDiesAndReturns_WatcherHearsDisconnected_SyncConnected_AndTheChangeMadeMeanwhile()
    {
        var clusterId = $"{azurite.RunId}-watch-reconnect";
        var path = $"/{azurite.RunId}-watched";
        await using var gateway = await SiloProcess.StartHealthyAsync(clusterId);
        await using var other = await SiloProcess.StartHealthyAsync(clusterId);
        await using (var inspector = await ClusterInspector.ConnectAsync(clusterId, [gateway, other]))
        {
            await inspector.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(60));
        }

        await using var writer = await ToAsync([other.Gateway], clusterId, TimeSpan.FromSeconds(30));
        await using var watcher = await ToAsync([gateway.Gateway], clusterId, TimeSpan.FromSeconds(30));
        await writer.CreateAsync(path, Utf8("before"), cancellationToken: Ct);
        await using var watch = await watcher.AddWatchAsync(path);
        var events = Channel.CreateUnbounded<WatchEvent>();
        var pump = Task.Run(async () =>
        {
            await foreach (var change in watch.ReadAllAsync(Ct)) events.Writer.TryWrite(change);
        }, Ct);

        await gateway.KillHardAsync();
        await NextAsync(events, e => e is { Type: WatchEventType.None, State: WatchState.Disconnected }, "Disconnected");

        // Written through the other silo while the watcher cannot hear anything (retried while the cluster
        // notices that the killed silo is gone).
        long written = 0;
        for (var attempt = 0; written == 0; attempt++)
        {
            try
            {
                written = (await writer.SetDataAsync(path, Utf8("during"), cancellationToken: Ct)).Mzxid;
            }
            catch (CoordException exception) when (GridErrors.IsTransient(exception) && attempt < 20)
            {
            }
        }

        await using var restarted = SiloProcess.Start(gateway.Ports, [.. gateway.Ports.Flags, "--cluster-id", clusterId]);
        await restarted.WaitHealthyAsync(Patience);

        // In either order: the resync may read the change back before the heartbeats notice the connection is back.
        var seen = await UntilAsync(events, seen =>
            seen.Any(e => e is { Type: WatchEventType.None, State: WatchState.SyncConnected }) &&
            seen.Any(e => e.Type == WatchEventType.NodeDataChanged), "SyncConnected and the change made while disconnected");
        Assert.Equal([written], seen.Where(e => e.Type == WatchEventType.NodeDataChanged).Select(e => e.Revision));
    }

    private static async Task NextAsync(Channel<WatchEvent> events, Func<WatchEvent, bool> wanted, string what) =>
        await UntilAsync(events, seen => seen.Count > 0 && wanted(seen[^1]), what);

    /// <summary>Reads events until <paramref name="done"/> holds for those read so far; returns them.</summary>
    private static async Task<List<WatchEvent>> UntilAsync(Channel<WatchEvent> events, Func<List<WatchEvent>, bool> done, string what)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(Patience);
        var seen = new List<WatchEvent>();
        try
        {
            while (!done(seen)) seen.Add(await events.Reader.ReadAsync(timeout.Token));
            return seen;
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            Assert.Fail($"no {what} within {Patience.TotalSeconds} s; other events: {string.Join("; ", seen)}");
            throw;
        }
    }
}
