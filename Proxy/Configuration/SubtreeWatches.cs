using OrleansCoord.Client;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Watches;

namespace OrleansCoord.Proxy.Configuration;

/// <summary>
/// Three persistent-recursive watches, on the routes, the cluster settings and the service registry, set before the
/// first read of a connection: every change below them after that is recorded in <see cref="GridChanges"/> and calls
/// <c>changed</c>. Where the SDK may have missed events (a shard dropped them, a silo died with them, a reconnection)
/// it says so with a <c>None</c> event, which makes the next read a full one.
/// </summary>
internal sealed class SubtreeWatches(CoordClient client, GridChanges changes, Action changed) : IAsyncDisposable
{
    private static readonly string[] Roots = [ProxyPaths.Routes, ProxyPaths.Clusters, ProxyPaths.Services];

    private readonly List<(ZNodeWatch Watch, Task Pump)> _watches = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _ended;

    /// <summary>A watch ended without being stopped (the session expired): this connection follows nothing any more.</summary>
    public bool Ended => _ended;

    /// <summary>Sets the watches; events flow once this returns.</summary>
    public async Task StartAsync()
    {
        foreach (var root in Roots)
        {
            var watch = await client.AddWatchAsync(root, AddWatchMode.PersistentRecursive);
            _watches.Add((watch, PumpAsync(watch)));
        }
    }

    /// <summary>Stops the pumps at once, then drops the watches together (each may wait on a grid that is away).</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        var watches = _watches.ToList();
        _watches.Clear();
        await Task.WhenAll(watches.Select(w => w.Pump));
        await Task.WhenAll(watches.Select(w => w.Watch.DisposeAsync().AsTask()));
    }

    private async Task PumpAsync(ZNodeWatch watch)
    {
        try
        {
            await foreach (var change in watch.ReadAllAsync(_stop.Token))
            {
                if (changes.Record(change)) changed();
            }

            _ended = true;
            changed();
        }
        catch (OperationCanceledException)
        {
            // Stopped with the set.
        }
    }
}
