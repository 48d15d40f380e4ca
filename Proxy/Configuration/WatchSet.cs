using OrleansCoord.Client;

namespace OrleansCoord.Proxy.Configuration;

/// <summary>
/// Persistent watches on the znodes the configuration was read from; any event on any of them calls
/// <c>changed</c>. A watch is added before its znode is read, so no change between read and watch is
/// missed; watches on znodes that are no longer part of the configuration are dropped after each read.
/// </summary>
internal sealed class WatchSet(CoordClient client, Action changed) : IAsyncDisposable
{
    private readonly Dictionary<string, (ZNodeWatch Watch, Task Pump)> _watches = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>Watches <paramref name="path"/> (if not yet watched) and marks it as used by the current read.</summary>
    public async Task EnsureAsync(string path)
    {
        lock (_used) _used.Add(path);
        if (_watches.ContainsKey(path)) return;
        var watch = await client.AddWatchAsync(path);
        _watches[path] = (watch, PumpAsync(watch));
    }

    /// <summary>Starts a read: from now on, <see cref="EnsureAsync"/> marks what this read uses.</summary>
    public void BeginRead()
    {
        lock (_used) _used = new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>Drops the watches the last read did not use (deleted routes, clusters that lost their last route).</summary>
    public async Task EndReadAsync()
    {
        List<string> unused;
        lock (_used) unused = _watches.Keys.Where(path => !_used.Contains(path)).ToList();
        foreach (var path in unused)
        {
            var (watch, _) = _watches[path];
            _watches.Remove(path);
            await watch.DisposeAsync();
        }
    }

    /// <summary>Stops the pumps at once, then drops the subscriptions together (each may wait on a grid that is away).</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        var watches = _watches.Values.ToList();
        _watches.Clear();
        await Task.WhenAll(watches.Select(w => w.Pump));
        await Task.WhenAll(watches.Select(w => w.Watch.DisposeAsync().AsTask()));
    }

    private async Task PumpAsync(ZNodeWatch watch)
    {
        try
        {
            await foreach (var _ in watch.ReadAllAsync(_stop.Token)) changed();
        }
        catch (OperationCanceledException)
        {
            // Stopped with the set.
        }
    }
}
