using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Client;

internal sealed partial class WatchHub
{
    /// <summary>
    /// Reads every watched path and hands on, marked as coalesced, what changed since the client last knew it; so
    /// a change whose event was lost (a silo died with it in a queue, the connection dropped) is reported anyway.
    /// The shard registrations are renewed first (a shard that had forgotten this client counts as a miss). With
    /// <paramref name="renewSubscriptions"/>, recursive watchers, whose subtrees cannot be read back cheaply, hear a
    /// coalesced <c>None</c> marker: re-read the subtree. Returns whether anything had been missed.
    /// </summary>
    public async Task<bool> ResyncAsync(bool renewSubscriptions, Func<string, Task<Stat?>> read, CancellationToken cancellationToken)
    {
        List<string> paths;
        List<Watcher> recursive;
        var forgotten = false;
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var renewal = await _subscriptions.RenewAsync();
            if (renewal.Failure is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            forgotten = renewal.Forgotten.Count > 0;
            lock (_gate)
            {
                paths = _routes.Paths();
                recursive = _routes.SubtreeRecipients();
            }
        }
        finally
        {
            _lock.Release();
        }

        var missed = 0;
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (path, _) =>
            {
                if (await ResyncPathAsync(path, read)) Interlocked.Exchange(ref missed, 1);
            });

        if (renewSubscriptions)
        {
            var revision = _currentRevision();
            foreach (var watcher in recursive) watcher.Notify(new WatchEvent(WatchEventType.None, watcher.Path, revision, Coalesced: true));
        }

        return missed == 1 || forgotten;
    }

    private async Task<bool> ResyncPathAsync(string path, Func<string, Task<Stat?>> read)
    {
        TrackedNode? before;
        lock (_gate) _tracked.TryGetValue(path, out before);
        var now = TrackedNode.Of(await read(path));

        List<WatchEvent> missed;
        lock (_gate)
        {
            // Events that came while reading are newer than the read may be: they cover this path already.
            if (!_routes.HasPath(path) || !_tracked.TryGetValue(path, out var current) || !ReferenceEquals(current, before))
            {
                if (before is null && _routes.HasPath(path)) _tracked.TryAdd(path, now);
                return false;
            }

            missed = [.. before!.MissedUntil(now, path, _currentRevision())];
            _tracked[path] = now;
        }

        foreach (var change in missed) Deliver(change);
        return missed.Count > 0;
    }
}
