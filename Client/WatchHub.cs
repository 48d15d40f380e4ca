using System.Threading.Channels;
using Orleans.Streams;
using OrleansCoord.Watches;

namespace OrleansCoord.Client;

/// <summary>
/// The client's side of watches: one stream subscription per watched path, shared by every watcher of that
/// path in this client, and dropped when the last one goes. Events of a path are handed on in revision order;
/// an event older than one already handed on is dropped (the newer one covers it: coalesced, not lost).
/// </summary>
internal sealed class WatchHub(IStreamProvider? streams)
{
    private readonly Dictionary<string, PathWatch> _paths = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Adds a watcher of one path, called with each of its events until the registration is disposed.</summary>
    public async Task<IAsyncDisposable> AddAsync(string path, Action<WatchEvent> watcher)
    {
        var provider = streams ?? throw new InvalidOperationException("watches need the grid client's stream provider");
        await _lock.WaitAsync();
        try
        {
            if (!_paths.TryGetValue(path, out var watch))
            {
                watch = new PathWatch();
                var stream = provider.GetStream<WatchEvent>(StreamId.Create(WatchStreams.Namespace, path));
                watch.Subscription = await stream.SubscribeAsync((change, _) => { watch.Deliver(change); return Task.CompletedTask; });
                _paths[path] = watch;
            }

            var entry = watch.Add(watcher);
            return new Registration(this, path, entry);
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

    private async Task RemoveAsync(string path, object entry)
    {
        StreamSubscriptionHandle<WatchEvent>? idle = null;
        await _lock.WaitAsync();
        try
        {
            if (_paths.TryGetValue(path, out var watch) && watch.Remove(entry))
            {
                _paths.Remove(path);
                idle = watch.Subscription;
            }
        }
        finally
        {
            _lock.Release();
        }

        if (idle is not null) await idle.UnsubscribeAsync();
    }

    private sealed class PathWatch
    {
        private readonly object _gate = new();
        private readonly List<Action<WatchEvent>> _watchers = [];
        private long _lastRevision;

        public StreamSubscriptionHandle<WatchEvent>? Subscription { get; set; }

        public object Add(Action<WatchEvent> watcher)
        {
            lock (_gate) _watchers.Add(watcher);
            return watcher;
        }

        /// <summary>Removes a watcher; true when none is left.</summary>
        public bool Remove(object entry)
        {
            lock (_gate)
            {
                _watchers.Remove((Action<WatchEvent>)entry);
                return _watchers.Count == 0;
            }
        }

        public void Deliver(WatchEvent change)
        {
            Action<WatchEvent>[] watchers;
            lock (_gate)
            {
                if (change.Revision < _lastRevision) return;
                _lastRevision = change.Revision;
                watchers = [.. _watchers];
            }

            foreach (var watcher in watchers) watcher(change);
        }
    }

    private sealed class Registration(WatchHub hub, string path, object entry) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _disposed, 1) == 0 ? new ValueTask(hub.RemoveAsync(path, entry)) : ValueTask.CompletedTask;
    }
}
