using OrleansCoord.Watches;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Client;

internal sealed partial class WatchHub
{
    /// <summary>A renewal found a shard that had forgotten this client, and the resync it was part of did not complete
    /// (another shard's renewal or a read failed): the next resync must still count it as a miss, since the renewal
    /// that found it has already registered with the shard's new activation and no later one will find it again.
    /// Guarded by <c>_lock</c>.</summary>
    private bool _forgottenUnanswered;

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
            _forgottenUnanswered |= renewal.Forgotten.Count > 0;
            if (renewal.Failure is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            forgotten = _forgottenUnanswered;
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

        // Answered: the caller hears of it now (a check escalates to a renewing resync, which tells the recursive watchers).
        if (forgotten)
        {
            await _lock.WaitAsync(CancellationToken.None);
            _forgottenUnanswered = false;
            _lock.Release();
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
