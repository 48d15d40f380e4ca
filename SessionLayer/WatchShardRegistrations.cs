using OrleansCoord.Watches;

namespace OrleansCoord.SessionLayer;

/// <summary>
/// One observer's registrations with the watch shard grains (docs/adr/014-watch-delivery.md), at most one per shard:
/// made when a shard is first needed, renewed when the front door says, dropped when it says a shard is idle. It tells
/// its front door of every event and of every shard whose events may be missing: the shard said so in a batch
/// (<see cref="WatchBatch.Lost"/>), or a renewal found it had forgotten the observer (its silo died: a new epoch; or it
/// dropped the observer after failed deliveries). What a loss does is the front door's: the SDK resyncs by reading, the
/// ZooKeeper server closes the connections watching on the shard. Thread-safe.
/// </summary>
public sealed class WatchShardRegistrations
{
    private readonly IGrainFactory? _grains;
    private readonly Observer _observer;
    private readonly Task<ShardRegistration>?[] _shards = new Task<ShardRegistration>?[WatchStreams.Shards];
    private readonly object _gate = new();
    private IWatchObserver? _reference;

    /// <param name="grains">Null where the silo serves no watch events (tests that leave watch delivery out): then
    /// nothing is registered and every registration succeeds at once.</param>
    /// <param name="deliver">Each event of a registered shard; called on delivery threads, must not block.</param>
    /// <param name="eventsLost">A shard that dropped events for this observer (it did not keep up).</param>
    public WatchShardRegistrations(IGrainFactory? grains, Action<WatchEvent> deliver, Action<int> eventsLost)
    {
        _grains = grains;
        _observer = new Observer(deliver, eventsLost);
    }

    /// <summary>Registers with <paramref name="shard"/> unless a registration stands or is under way (a failed one is
    /// made anew); events flow once the task completes. A failure (the shard's silo is unreachable) is thrown.</summary>
    public Task EnsureAsync(int shard)
    {
        if (_grains is null) return Task.CompletedTask;
        lock (_gate)
        {
            var current = _shards[shard];
            if (current is null || current.IsFaulted || current.IsCanceled)
            {
                _reference ??= _grains.CreateObjectReference<IWatchObserver>(_observer);
                _shards[shard] = current = _grains.GetGrain<IWatchShardGrain>(shard).Subscribe(_reference);
            }

            return current;
        }
    }

    /// <summary>Registers with each of <paramref name="shards"/>; every registration that succeeds stands, also when
    /// another failed (the first failure is thrown once all are done).</summary>
    public Task EnsureAsync(IEnumerable<int> shards) => Task.WhenAll(shards.Distinct().Select(EnsureAsync));

    /// <summary>Drops the registration of every registered shard for which <paramref name="needed"/> says no.</summary>
    public async Task ReleaseAsync(Func<int, bool> needed)
    {
        List<int> idle = [];
        IWatchObserver? reference;
        lock (_gate)
        {
            for (var shard = 0; shard < _shards.Length; shard++)
            {
                if (_shards[shard] is not { } held || needed(shard)) continue;
                _shards[shard] = null;
                // A registration that failed holds nothing to drop.
                if (!held.IsFaulted && !held.IsCanceled) idle.Add(shard);
            }

            reference = _reference;
        }

        if (idle.Count == 0 || reference is null) return;
        await Task.WhenAll(idle.Select(shard => UnsubscribeQuietlyAsync(shard, reference)));
    }

    /// <summary>
    /// Registers again with every shard registered with (harmless where the registration stands): the shards that had
    /// forgotten this observer meanwhile, whose events of the time between may be missing, and the first failure, if
    /// any (a shard whose silo is failing over; its registration stays as it was, for the next renewal).
    /// </summary>
    /// <param name="oneAtATime">One shard after the other (the ZooKeeper server: its silo renews up to every shard every
    /// few seconds, and must not crowd out its own requests with them); otherwise all at once (the SDK, while resyncing).</param>
    public async Task<ShardRenewal> RenewAsync(bool oneAtATime = false)
    {
        List<(int Shard, ShardRegistration Registration)> registered = [];
        IWatchObserver? reference;
        lock (_gate)
        {
            for (var shard = 0; shard < _shards.Length; shard++)
            {
                if (_shards[shard] is { IsCompletedSuccessfully: true } done) registered.Add((shard, done.Result));
            }

            reference = _reference;
        }

        List<int> forgotten = [];
        Exception? failure = null;
        if (registered.Count == 0 || reference is null) return new ShardRenewal(forgotten, failure);
        if (oneAtATime)
        {
            foreach (var held in registered) await RenewOneAsync(held.Shard, held.Registration);
        }
        else
        {
            await Task.WhenAll(registered.Select(held => RenewOneAsync(held.Shard, held.Registration)));
        }

        forgotten.Sort();
        return new ShardRenewal(forgotten, failure);

        async Task RenewOneAsync(int shard, ShardRegistration before)
        {
            try
            {
                var renewed = await _grains!.GetGrain<IWatchShardGrain>(shard).Subscribe(reference);
                lock (_gate)
                {
                    // Released meanwhile: not this observer's any more.
                    if (_shards[shard] is null) return;
                    _shards[shard] = Task.FromResult(renewed);
                    if (renewed.Epoch != before.Epoch || !renewed.WasSubscribed) forgotten.Add(shard);
                }
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref failure, exception, null);
            }
        }
    }

    private async Task UnsubscribeQuietlyAsync(int shard, IWatchObserver reference)
    {
        try
        {
            await _grains!.GetGrain<IWatchShardGrain>(shard).Unsubscribe(reference);
        }
        catch (Exception)
        {
            // The shard may be gone with a silo; a registration nobody holds any more is dropped at its first failed delivery.
        }
    }

    /// <summary>The one observer: hands each event on, and says when a shard dropped events for it.</summary>
    private sealed class Observer(Action<WatchEvent> deliver, Action<int> eventsLost) : IWatchObserver
    {
        public Task OnWatchEvents(WatchBatch batch)
        {
            if (batch.Lost) eventsLost(batch.Shard);
            foreach (var change in batch.Events) deliver(change);
            return Task.CompletedTask;
        }
    }
}

/// <summary>What <see cref="WatchShardRegistrations.RenewAsync"/> found.</summary>
/// <param name="Forgotten">The shards that had forgotten the observer: their events of the time between may be missing.</param>
/// <param name="Failure">The first renewal that failed, or null.</param>
public sealed record ShardRenewal(IReadOnlyList<int> Forgotten, Exception? Failure);
