using System.Text;
using OrleansCoord.Client;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Tests;

/// <summary>
/// An SDK client whose watch deliveries fell further behind than a shard queues (docs/adr/014-watch-delivery.md) is
/// told its next batch is <c>Lost</c>, reads its watched znodes back and ends with the state the writer left: the change
/// whose event was dropped reaches its persistent watch as a coalesced event, its recursive watch hears the coalesced
/// <c>None</c> marker (re-read the subtree), and later changes are pushed again (GUARANTEES 27, 137).
/// </summary>
public sealed class WatchLostResyncTests(TcpClusterFixture fixture) : IClassFixture<TcpClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ClientThatFellTooFarBehind_HearsLost_ReadsBack_AndEndsWithTheLastWrittenState()
    {
        await using var writer = await fixture.ConnectAsync();
        var parent = await writer.CreateAsync($"/lost-{Guid.NewGuid():N}");
        // Both on the parent's shard, which the creates below then flood.
        var blocker = await writer.CreateAsync($"{parent}/blocker", [0]);
        var watched = await writer.CreateAsync($"{parent}/watched", Encoding.UTF8.GetBytes("0"));

        // Its own process-level client, and no periodic check: only the Lost mark can make it read back.
        var options = fixture.ClientOptions(fixture.Cluster.Silos);
        options.WatchCheckPeriod = TimeSpan.Zero;
        await using var watcher = await CoordClient.ConnectAsync(options);
        await using var watch = await watcher.AddWatchAsync(watched);
        await using var subtree = await watcher.AddWatchAsync(parent, AddWatchMode.PersistentRecursive);
        var heard = Collect(watch);
        var heardBelow = Collect(subtree);

        // A one-shot watcher's callback runs inside the client's delivery: while it blocks, the shard keeps this client's
        // later events in its queue. Bounded below the test silos' response timeout (10 s), past which the shard would
        // forget the client instead (WatchDeliveryTests).
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        await watcher.GetDataAsync(blocker, _ =>
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(7));
        });
        await writer.SetDataAsync(blocker, [1]);
        Assert.True(entered.Wait(Patience), "the one-shot watcher never fired");

        try
        {
            // The change whose event the overflow drops, then more than the test silos' queue limit on the same shard.
            var last = (await writer.SetDataAsync(watched, Encoding.UTF8.GetBytes("last"))).Mzxid;
            const int Creates = TestGrid.WatchQueueLimit + 200;
            using var inFlight = new SemaphoreSlim(100);
            await Task.WhenAll(Enumerable.Range(0, Creates).Select(async i =>
            {
                await inFlight.WaitAsync();
                try
                {
                    await writer.CreateAsync($"{parent}/c{i:D5}");
                }
                finally
                {
                    inFlight.Release();
                }
            }));
            release.Set();

            await Poll.UntilAsync(() => Task.FromResult(heard.Any(e => e.Type == WatchEventType.NodeDataChanged && e.Revision == last)),
                Patience, () => $"the watch hearing the dropped change at {last} (heard: {Describe(heard)})");
            var madeUp = heard.Single(e => e.Revision == last);
            Assert.True(madeUp.Coalesced, $"the change at {last} arrived as a pushed event: the overflow did not drop it");
            await Poll.UntilAsync(() => Task.FromResult(heardBelow.Any(e => e.Type == WatchEventType.None && e.Coalesced)),
                Patience, "the recursive watch hearing the coalesced None marker");
            Assert.Equal("last", Encoding.UTF8.GetString((await watcher.GetDataAsync(watched)).Data));

            // Registered still: the next change is pushed, in order after the made-up one.
            var next = (await writer.SetDataAsync(watched, Encoding.UTF8.GetBytes("next"))).Mzxid;
            await Poll.UntilAsync(() => Task.FromResult(heard.Any(e => e.Revision == next && !e.Coalesced)), Patience,
                () => $"the watch hearing the next change at {next} pushed (heard: {Describe(heard)})");
            var revisions = heard.Where(e => e.Type == WatchEventType.NodeDataChanged).Select(e => e.Revision).ToList();
            Assert.Equal(revisions.Order(), revisions);
        }
        finally
        {
            release.Set();
        }
    }

    /// <summary>The watch's events as they come, into a list that grows in the background.</summary>
    private static SynchronizedList Collect(ZNodeWatch watch)
    {
        var events = new SynchronizedList();
        _ = Task.Run(async () =>
        {
            await foreach (var change in watch.ReadAllAsync(TestContext.Current.CancellationToken)) events.Add(change);
        });
        return events;
    }

    private static string Describe(SynchronizedList events) =>
        string.Join(", ", events.Select(e => $"{e.Type}@{e.Revision}{(e.Coalesced ? "~" : "")}"));

    private sealed class SynchronizedList : IEnumerable<WatchEvent>
    {
        private readonly List<WatchEvent> _events = [];

        public void Add(WatchEvent change)
        {
            lock (_events) _events.Add(change);
        }

        public IEnumerator<WatchEvent> GetEnumerator()
        {
            lock (_events) return _events.ToList().GetEnumerator();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
