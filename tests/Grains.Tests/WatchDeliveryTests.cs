using System.Text;
using OrleansCoord.Grains.Tests.Fixtures;
using OrleansCoord.Grains.Tests.Support;
using OrleansCoord.Watches;

namespace OrleansCoord.Grains.Tests;

/// <summary>
/// A watch shard pushes to each subscriber through a bounded queue of its own (docs/adr/014-watch-delivery.md): a
/// subscriber that does not take its events holds up nobody else, and one that falls too far behind is told to resync.
/// </summary>
public sealed class WatchDeliveryTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SubscriberThatDoesNotAnswer_HoldsUpNoOther_AndGetsItsEventsInOrderOnceItAnswers()
    {
        await using var writer = await fixture.ConnectAsync();
        var path = await writer.CreateAsync($"/delivery-{Guid.NewGuid():N}", [0]);
        var shard = fixture.Cluster.Client.GetGrain<IWatchShardGrain>(WatchStreams.ShardOf(path));
        var stuck = new RecordingObserver(path, blocked: true);
        var quick = new RecordingObserver(path, blocked: false);
        var stuckReference = fixture.Cluster.Client.CreateObjectReference<IWatchObserver>(stuck);
        var quickReference = fixture.Cluster.Client.CreateObjectReference<IWatchObserver>(quick);
        await shard.Subscribe(stuckReference);
        await shard.Subscribe(quickReference);
        try
        {
            var revisions = new List<long>();
            for (var i = 1; i <= 20; i++) revisions.Add((await writer.SetDataAsync(path, Encoding.UTF8.GetBytes($"{i}"))).Mzxid);

            // The quick one hears every change while the stuck one still sits on its first batch.
            await Poll.UntilAsync(() => Task.FromResult(quick.Revisions.Count == revisions.Count), Patience,
                () => $"the quick subscriber hearing {revisions.Count} changes (heard {quick.Revisions.Count})");
            Assert.Equal(revisions, quick.Revisions);
            Assert.True(stuck.Batches <= 1, $"the stuck subscriber took {stuck.Batches} batches while its first was unanswered");

            stuck.Release();
            await Poll.UntilAsync(() => Task.FromResult(stuck.Revisions.Count == revisions.Count), Patience,
                () => $"the released subscriber hearing {revisions.Count} changes (heard {stuck.Revisions.Count})");
            Assert.Equal(revisions, stuck.Revisions);
            Assert.False(stuck.Lost);
        }
        finally
        {
            stuck.Release();
            await shard.Unsubscribe(stuckReference);
            await shard.Unsubscribe(quickReference);
        }
    }

    [Fact]
    public async Task SubscriberTooFarBehind_IsToldItLostEvents_AndOthersMissNothing()
    {
        await using var writer = await fixture.ConnectAsync();
        // Children's events travel on their parent's shard: thousands of creates under one parent fill one shard.
        var parent = await writer.CreateAsync($"/delivery-flood-{Guid.NewGuid():N}");
        var shard = fixture.Cluster.Client.GetGrain<IWatchShardGrain>(WatchStreams.ShardOf(parent + "/x"));
        // Stuck until the creates are done, at most 8 s: a call unanswered past the test silos' response timeout (10 s)
        // drops the subscriber instead.
        var stuck = new RecordingObserver(null, blocked: true);
        var quick = new RecordingObserver(null, blocked: false);
        var stuckReference = fixture.Cluster.Client.CreateObjectReference<IWatchObserver>(stuck);
        var quickReference = fixture.Cluster.Client.CreateObjectReference<IWatchObserver>(quick);
        await shard.Subscribe(stuckReference);
        await shard.Subscribe(quickReference);
        try
        {
            // Three times what a subscriber's queue holds (each create is a NodeCreated of the child; the parent's
            // NodeChildrenChanged travels on its own parent's shard).
            const int Creates = 3 * TestGrid.WatchQueueLimit;
            _ = Task.Delay(TimeSpan.FromSeconds(8)).ContinueWith(_ => stuck.Release(), TaskScheduler.Default);
            using var inFlight = new SemaphoreSlim(200);
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

            await Poll.UntilAsync(() => Task.FromResult(quick.Created(parent) == Creates), Patience,
                () => $"the quick subscriber hearing {Creates} creates (heard {quick.Created(parent)})");
            Assert.False(quick.Lost);

            stuck.Release();
            await Poll.UntilAsync(() => Task.FromResult(stuck.Lost), Patience, "the stuck subscriber told it lost events");
            Assert.True(stuck.Created(parent) < Creates, "the stuck subscriber got everything although its queue overflowed");
        }
        finally
        {
            stuck.Release();
            await shard.Unsubscribe(stuckReference);
            await shard.Unsubscribe(quickReference);
        }
    }

    [Fact]
    public async Task SubscriberThatDoesNotAnswerWithinTheResponseTimeout_IsForgotten_AndOthersHearOn()
    {
        await using var writer = await fixture.ConnectAsync();
        var path = await writer.CreateAsync($"/delivery-forget-{Guid.NewGuid():N}", [0]);
        var shard = fixture.Cluster.Client.GetGrain<IWatchShardGrain>(WatchStreams.ShardOf(path));
        var stuck = new RecordingObserver(path, blocked: true);
        var quick = new RecordingObserver(path, blocked: false);
        var stuckReference = fixture.Cluster.Client.CreateObjectReference<IWatchObserver>(stuck);
        var quickReference = fixture.Cluster.Client.CreateObjectReference<IWatchObserver>(quick);
        var epoch = (await shard.Subscribe(stuckReference)).Epoch;
        await shard.Subscribe(quickReference);
        try
        {
            var revisions = new List<long> { (await writer.SetDataAsync(path, Encoding.UTF8.GetBytes("1"))).Mzxid };
            await Poll.UntilAsync(() => Task.FromResult(stuck.Batches == 1), Patience, "the stuck subscriber taking its first batch");

            // Past the test silos' response timeout (10 s) the shard gives the unanswered call up and forgets the
            // subscriber: a process that comes back finds out when it renews (WasSubscribed false) and resyncs. Asking
            // re-registers it once forgotten, so this asks until the answer says forgotten.
            await Poll.UntilAsync(async () =>
            {
                var registration = await shard.Subscribe(stuckReference);
                Assert.Equal(epoch, registration.Epoch);
                return !registration.WasSubscribed;
            }, Patience, "the shard forgetting the subscriber that does not answer");

            revisions.Add((await writer.SetDataAsync(path, Encoding.UTF8.GetBytes("2"))).Mzxid);
            await Poll.UntilAsync(() => Task.FromResult(quick.Revisions.Count == revisions.Count), Patience,
                () => $"the quick subscriber hearing {revisions.Count} changes (heard {quick.Revisions.Count})");
            Assert.Equal(revisions, quick.Revisions);
        }
        finally
        {
            stuck.Release();
            await shard.Unsubscribe(stuckReference);
            await shard.Unsubscribe(quickReference);
        }
    }

    /// <summary>Records what it is pushed; a blocked one does not answer its first call until released.</summary>
    private sealed class RecordingObserver(string? path, bool blocked) : IWatchObserver
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<WatchEvent> _events = [];
        private int _batches;
        private bool _lost;

        public int Batches => Volatile.Read(ref _batches);

        public bool Lost
        {
            get { lock (_events) return _lost; }
        }

        public List<long> Revisions
        {
            get { lock (_events) return [.. _events.Where(e => e.Path == path && e.Type == WatchEventType.NodeDataChanged).Select(e => e.Revision)]; }
        }

        public int Created(string parent)
        {
            lock (_events) return _events.Count(e => e.Type == WatchEventType.NodeCreated && e.Path.StartsWith(parent + "/", StringComparison.Ordinal));
        }

        public void Release() => _released.TrySetResult();

        public async Task OnWatchEvents(WatchBatch batch)
        {
            Interlocked.Increment(ref _batches);
            if (blocked) await _released.Task;
            lock (_events)
            {
                _lost |= batch.Lost;
                _events.AddRange(batch.Events);
            }
        }
    }
}
