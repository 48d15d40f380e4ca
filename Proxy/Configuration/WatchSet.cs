using OrleansCoord.Client;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Watches;

namespace OrleansCoord.Proxy.Configuration;

/// <summary>
/// Three persistent-recursive watches, on <c>/proxy/routes</c>, <c>/proxy/clusters</c> and <c>/services</c>, added
/// before the first read of a connection: any change below them that matters calls <c>changed</c>. An instance
/// event counts only for a cluster the proxy serves (<c>serves</c>), so that other services coming and going in the
/// registry cause no re-reads. Session events (reconnected, a possibly lost event) always count.
/// </summary>
internal sealed class WatchSet(CoordClient client, Func<string, bool> serves, Action changed) : IAsyncDisposable
{
    public static IReadOnlyList<string> Roots { get; } = [ProxyPaths.Routes, ProxyPaths.Clusters, ProxyPaths.Services];

    private readonly List<(ZNodeWatch Watch, Task Pump)> _watches = [];
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Subscribes the three watches; every change after this returns is reported.</summary>
    public async Task StartAsync()
    {
        foreach (var root in Roots)
        {
            var watch = await client.AddWatchAsync(root, AddWatchMode.PersistentRecursive);
            _watches.Add((watch, PumpAsync(watch)));
        }
    }

    /// <summary>Stops the pumps at once, then drops the subscriptions together (each may wait on a grid that is away).</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_watches.Select(w => w.Pump));
        await Task.WhenAll(_watches.Select(w => w.Watch.DisposeAsync().AsTask()));
        _watches.Clear();
    }

    /// <summary>True for an event the configuration may depend on.</summary>
    public static bool Matters(WatchEvent change, Func<string, bool> serves) =>
        change.Type == WatchEventType.None
        || !change.Path.StartsWith(ProxyPaths.Services + "/", StringComparison.Ordinal)
        || serves(change.Path.Split('/')[2]);

    private async Task PumpAsync(ZNodeWatch watch)
    {
        try
        {
            await foreach (var change in watch.ReadAllAsync(_stop.Token))
            {
                if (Matters(change, serves)) changed();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped with the set.
        }
    }
}
