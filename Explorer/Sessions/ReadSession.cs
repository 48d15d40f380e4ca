using OrleansCoord.Client;

namespace OrleansCoord.Explorer.Sessions;

/// <summary>
/// The explorer's one grid session for reads and watches, opened on the silo's own grain factory at first use (the
/// silo is active by then) and opened again when it ended. It proves no identity: it sees what <c>world</c> may see.
/// </summary>
internal sealed class ReadSession(IGrainFactory grains) : IAsyncDisposable
{
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CoordClient? _client;
    private bool _disposed;

    /// <summary>The open session, opening one if there is none (or the last one expired or closed).</summary>
    public async Task<CoordClient> GetAsync(CancellationToken cancellationToken)
    {
        var current = _client;
        if (current is not null && IsUsable(current)) return current;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_client is not null && IsUsable(_client)) return _client;
            var stale = _client;
            _client = await CoordClient.ConnectAsync(grains, SessionTimeout, cancellationToken);
            if (stale is not null) _ = stale.DisposeAsync().AsTask();
            return _client;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static bool IsUsable(CoordClient client) => client.State is not (SessionState.Expired or SessionState.Closed);

    /// <summary>Closes the session (with the silo).</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _disposed = true;
            if (_client is not null) await _client.DisposeAsync();
            _client = null;
        }
        finally
        {
            _gate.Release();
        }
    }
}
