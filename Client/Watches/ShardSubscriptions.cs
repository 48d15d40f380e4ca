using Orleans.Streams;
using OrleansCoord.Watches;

namespace OrleansCoord.Client;

/// <summary>
/// The client's subscriptions to the watch shard streams, at most one per shard, made when a shard is first
/// needed and dropped when it no longer is. Not thread-safe: the hub calls it under its lock.
/// </summary>
internal sealed class ShardSubscriptions(IStreamProvider? streams, Action<WatchEvent> deliver)
{
    private readonly Dictionary<int, StreamSubscriptionHandle<WatchEvent>> _handles = [];

    public IReadOnlyCollection<int> Subscribed => _handles.Keys;

    /// <summary>Subscribes to every shard in <paramref name="shards"/> not yet subscribed to.</summary>
    public async Task EnsureAsync(IEnumerable<int> shards)
    {
        var missing = shards.Where(shard => !_handles.ContainsKey(shard)).Distinct().ToList();
        if (missing.Count == 0) return;
        var provider = streams ?? throw new InvalidOperationException("watches need the grid client's stream provider");
        // Keep every subscription that was made, also when another failed, so none is left unaccounted for.
        Exception? failure = null;
        await Task.WhenAll(missing.Select(async shard =>
        {
            try
            {
                var handle = await SubscribeAsync(provider, shard);
                lock (_handles) _handles[shard] = handle;
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref failure, exception, null);
            }
        }));
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>Drops the subscription of every shard for which <paramref name="needed"/> says no.</summary>
    public async Task ReleaseAsync(Func<int, bool> needed)
    {
        var idle = _handles.Where(entry => !needed(entry.Key)).ToList();
        foreach (var (shard, _) in idle) _handles.Remove(shard);
        await Task.WhenAll(idle.Select(entry => UnsubscribeQuietlyAsync(entry.Value)));
    }

    /// <summary>
    /// Subscribes every shard anew, dropping the old subscriptions first: after a silo failure a subscription
    /// may be gone (in-memory pub-sub state) without a word. What passes in between is found by the resync read.
    /// </summary>
    public async Task RenewAsync()
    {
        var shards = _handles.Keys.ToList();
        var old = _handles.Values.ToList();
        _handles.Clear();
        await Task.WhenAll(old.Select(UnsubscribeQuietlyAsync));
        await EnsureAsync(shards);
    }

    private Task<StreamSubscriptionHandle<WatchEvent>> SubscribeAsync(IStreamProvider provider, int shard) =>
        provider.GetStream<WatchEvent>(StreamId.Create(WatchStreams.Namespace, shard))
            .SubscribeAsync((change, _) => { deliver(change); return Task.CompletedTask; });

    private static async Task UnsubscribeQuietlyAsync(StreamSubscriptionHandle<WatchEvent> handle)
    {
        try
        {
            await handle.UnsubscribeAsync();
        }
        catch (Exception)
        {
            // The pub-sub state may be gone with a silo; a subscription nobody holds any more harms nothing.
        }
    }
}
