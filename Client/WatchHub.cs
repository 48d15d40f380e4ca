using System.Threading.Channels;
using Orleans.Streams;
using OrleansCoord.Watches;

namespace OrleansCoord.Client;

/// <summary>
/// The client's side of watches: one subscription per shard stream that holds a watched path (shared by every
/// watcher in this client, dropped with the last one), events routed by path. Events of a path are handed on
/// in revision order; one older than an event already handed on is dropped (the newer covers it: coalesced).
/// </summary>
internal sealed class WatchHub(IStreamProvider? streams)
{
    private readonly Dictionary<int, ShardWatch> _shards = [];
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Adds a watcher of one path, called with each of its events until the registration is disposed.</summary>
    public async Task<IAsyncDisposable> AddAsync(string path, Action<WatchEvent> watcher)
    {
        var provider = streams ?? throw new InvalidOperationException("watches need the grid client's stream provider");
        var shard = WatchStreams.ShardOf(path);
        await _lock.WaitAsync();
        try
        {
            if (!_shards.TryGetValue(shard, out var watch))
            {
                watch = new ShardWatch();
                var stream = provider.GetStream<WatchEvent>(StreamId.Create(WatchStreams.Namespace, shard));
                watch.Subscription = await stream.SubscribeAsync((change, _) => { watch.Deliver(change); return Task.CompletedTask; });
                _shards[shard] = watch;
            }

            watch.Add(path, watcher);
            return new Registration(this, shard, path, watcher);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Subscribes to a path's events; they queue in the returned watch until read.</summary>
    public async Task<ZNodeWatch> OpenAsync(string path)
    {
        var channel = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
        var registration = await AddAsync(path, change => channel.Writer.TryWrite(change));
        return new ZNodeWatch(channel.Reader, registration);
    }

    /// <summary>An async stream of a path's events until <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<WatchEvent> StreamAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var watch = await OpenAsync(path);
        await foreach (var change in watch.ReadAllAsync(cancellationToken)) yield return change;
    }

    private async Task RemoveAsync(int shard, string path, Action<WatchEvent> watcher)
    {
        StreamSubscriptionHandle<WatchEvent>? idle = null;
        await _lock.WaitAsync();
        try
        {
            if (_shards.TryGetValue(shard, out var watch) && watch.Remove(path, watcher))
            {
                _shards.Remove(shard);
                idle = watch.Subscription;
            }
        }
        finally
        {
            _lock.Release();
        }

        if (idle is not null) await idle.UnsubscribeAsync();
    }

    private sealed class ShardWatch
    {
        private readonly object _gate = new();
        private readonly Dictionary<string, (List<Action<WatchEvent>> Watchers, long LastRevision)> _paths = new(StringComparer.Ordinal);

        public StreamSubscriptionHandle<WatchEvent>? Subscription { get; set; }

        public void Add(string path, Action<WatchEvent> watcher)
        {
            lock (_gate)
            {
                if (!_paths.TryGetValue(path, out var entry)) _paths[path] = entry = ([], 0);
                entry.Watchers.Add(watcher);
            }
        }

        /// <summary>Removes a watcher; true when the shard has none left.</summary>
        public bool Remove(string path, Action<WatchEvent> watcher)
        {
            lock (_gate)
            {
                if (_paths.TryGetValue(path, out var entry) && entry.Watchers.Remove(watcher) && entry.Watchers.Count == 0) _paths.Remove(path);
                return _paths.Count == 0;
            }
        }

        public void Deliver(WatchEvent change)
        {
            Action<WatchEvent>[] watchers;
            lock (_gate)
            {
                if (!_paths.TryGetValue(change.Path, out var entry) || change.Revision < entry.LastRevision) return;
                _paths[change.Path] = (entry.Watchers, change.Revision);
                watchers = [.. entry.Watchers];
            }

            foreach (var watcher in watchers) watcher(change);
        }
    }

    private sealed class Registration(WatchHub hub, int shard, string path, Action<WatchEvent> watcher) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _disposed, 1) == 0 ? new ValueTask(hub.RemoveAsync(shard, path, watcher)) : ValueTask.CompletedTask;
    }
}
