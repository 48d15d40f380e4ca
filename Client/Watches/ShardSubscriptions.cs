using OrleansCoord.Watches;

namespace OrleansCoord.Client;

/// <summary>
/// The client's registrations with the watch shard grains, at most one per shard, made when a shard is first needed
/// and dropped when it no longer is; all of them for one observer object of this client (docs/adr/014-watch-delivery.md).
/// Not thread-safe: the hub calls it under its lock (deliveries come in on their own, through <see cref="Observer"/>).
/// </summary>
internal sealed class ShardSubscriptions
{
    private readonly IGrainFactory? _grains;
    private readonly Dictionary<int, Guid> _epochs = [];
    private readonly Observer _observer;
    private IWatchObserver? _reference;

    public ShardSubscriptions(IGrainFactory? grains, Action<WatchEvent> deliver, Action lost)
    {
        _grains = grains;
        _observer = new Observer(deliver, lost);
    }

    /// <summary>Registers with every shard in <paramref name="shards"/> not yet registered with.</summary>
    public async Task EnsureAsync(IEnumerable<int> shards)
    {
        var missing = shards.Where(shard => !_epochs.ContainsKey(shard)).Distinct().ToList();
        if (missing.Count > 0) await SubscribeAsync(missing);
    }

    /// <summary>Drops the registration of every shard for which <paramref name="needed"/> says no.</summary>
    public async Task ReleaseAsync(Func<int, bool> needed)
    {
        var idle = _epochs.Keys.Where(shard => !needed(shard)).ToList();
        foreach (var shard in idle) _epochs.Remove(shard);
        if (idle.Count == 0 || _reference is null) return;
        await Task.WhenAll(idle.Select(shard => UnsubscribeQuietlyAsync(shard, _reference)));
    }

    /// <summary>
    /// Registers again with every shard (harmless where the registration stands) and returns whether one of them had
    /// forgotten this client (its silo died: a new epoch; or it dropped this client after failed deliveries): events
    /// of the time between may be missing, and the caller resyncs.
    /// </summary>
    public Task<bool> RenewAsync() => SubscribeAsync([.. _epochs.Keys]);

    private async Task<bool> SubscribeAsync(List<int> shards)
    {
        if (shards.Count == 0) return false;
        var grains = _grains ?? throw new InvalidOperationException("watches need the grid client's grain factory");
        var reference = _reference ??= grains.CreateObjectReference<IWatchObserver>(_observer);
        var forgotten = 0;
        // Keep every registration that was made, also when another failed, so none is left unaccounted for.
        Exception? failure = null;
        await Task.WhenAll(shards.Select(async shard =>
        {
            try
            {
                var registration = await grains.GetGrain<IWatchShardGrain>(shard).Subscribe(reference);
                lock (_epochs)
                {
                    if (_epochs.TryGetValue(shard, out var epoch) && (epoch != registration.Epoch || !registration.WasSubscribed))
                        Interlocked.Exchange(ref forgotten, 1);
                    _epochs[shard] = registration.Epoch;
                }
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref failure, exception, null);
            }
        }));
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return forgotten == 1;
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

    /// <summary>The client's one observer: hands each event on, and says when a shard dropped events for this client.</summary>
    private sealed class Observer(Action<WatchEvent> deliver, Action lost) : IWatchObserver
    {
        public Task OnWatchEvents(WatchBatch batch)
        {
            if (batch.Lost) lost();
            foreach (var change in batch.Events) deliver(change);
            return Task.CompletedTask;
        }
    }
}
