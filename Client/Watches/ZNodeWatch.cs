using System.Threading.Channels;
using OrleansCoord.Watches;

namespace OrleansCoord.Client;

/// <summary>
/// A persistent watch on one znode, subscribed when it is handed out: events from then on queue here in revision
/// order until read. Dispose to stop watching.
/// </summary>
public sealed class ZNodeWatch : IAsyncDisposable
{
    private readonly ChannelReader<WatchEvent> _events;
    private readonly IAsyncDisposable _registration;

    internal ZNodeWatch(ChannelReader<WatchEvent> events, IAsyncDisposable registration) =>
        (_events, _registration) = (events, registration);

    /// <summary>The events, as they come, until <paramref name="cancellationToken"/> fires.</summary>
    public IAsyncEnumerable<WatchEvent> ReadAllAsync(CancellationToken cancellationToken = default) => _events.ReadAllAsync(cancellationToken);

    /// <summary>The next event, waiting for it if none has come yet.</summary>
    public ValueTask<WatchEvent> NextAsync(CancellationToken cancellationToken = default) => _events.ReadAsync(cancellationToken);

    public ValueTask DisposeAsync() => _registration.DisposeAsync();
}
