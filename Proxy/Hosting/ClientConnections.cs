namespace OrleansCoord.Proxy.Hosting;

/// <summary>
/// The client connections open on the proxied ports (main, HTTPS, h2c), held under <c>--max-connections</c> (nginx's
/// <c>worker_connections</c>, Kestrel's <c>MaxConcurrentConnections</c>): past it, a new connection is closed at once,
/// so that a flood of clients cannot take the descriptors the proxy needs for its upstreams and its admin port.
/// </summary>
internal sealed partial class ClientConnections(ProxyOptions options, TimeProvider time, ILogger<ClientConnections> logger) : FastPath.IClientConnectionLimit
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);
    private long _open;
    private long _rejected;
    private long _lastWarning = long.MinValue;

    /// <summary>Connections open now (a connection the fast path hands to Kestrel counts once).</summary>
    public long Open => Volatile.Read(ref _open);

    /// <summary>Connections closed on arrival because <see cref="ProxyOptions.MaxConnections"/> were open.</summary>
    public long Rejected => Volatile.Read(ref _rejected);

    /// <summary>Counts a new client connection in; false (and counted as rejected) when the limit is reached: the caller closes it.</summary>
    public bool TryOpen()
    {
        var max = options.MaxConnections;
        while (true)
        {
            var open = Volatile.Read(ref _open);
            if (max > 0 && open >= max)
            {
                Reject(max);
                return false;
            }

            if (Interlocked.CompareExchange(ref _open, open + 1, open) == open) return true;
        }
    }

    /// <summary>Counts in a connection that was admitted already (one the fast path handed to Kestrel).</summary>
    public void OpenAdmitted() => Interlocked.Increment(ref _open);

    public void Close() => Interlocked.Decrement(ref _open);

    private void Reject(int max)
    {
        Interlocked.Increment(ref _rejected);
        // One warning per interval, as nginx's "worker_connections are not enough" would otherwise flood the log.
        var now = time.GetTimestamp();
        var last = Volatile.Read(ref _lastWarning);
        if (last != long.MinValue && time.GetElapsedTime(last, now) < WarningInterval) return;
        if (Interlocked.CompareExchange(ref _lastWarning, now, last) == last) LogLimitReached(logger, max);
    }

    [LoggerMessage(LogLevel.Warning, "--max-connections {Max} reached: new client connections are closed until some end")]
    private static partial void LogLimitReached(ILogger logger, int max);
}
