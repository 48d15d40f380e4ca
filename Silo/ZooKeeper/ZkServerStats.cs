using System.Collections.Concurrent;

namespace OrleansCoord.Silo.ZooKeeper;

/// <summary>Counters of this silo's ZooKeeper endpoint, for the four-letter words (srvr, stat, mntr, cons, srst).</summary>
internal sealed class ZkServerStats
{
    private long _received;
    private long _sent;
    private long _latencyTotalMs;
    private long _latencyCount;
    private long _latencyMaxMs;
    private long _latencyMinMs = long.MaxValue;

    public ConcurrentDictionary<ZkConnection, byte> Connections { get; } = new();

    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    public long Received => Interlocked.Read(ref _received);

    public long Sent => Interlocked.Read(ref _sent);

    public long Outstanding => Connections.Keys.Sum(c => (long)c.Outstanding);

    public (long Min, double Avg, long Max) Latency
    {
        get
        {
            var count = Interlocked.Read(ref _latencyCount);
            return count == 0 ? (0, 0, 0) : (Interlocked.Read(ref _latencyMinMs), (double)Interlocked.Read(ref _latencyTotalMs) / count, Interlocked.Read(ref _latencyMaxMs));
        }
    }

    /// <summary>srst: as ZooKeeper's ServerStats.reset, the packet counts and latencies start again.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _received, 0);
        Interlocked.Exchange(ref _sent, 0);
        Interlocked.Exchange(ref _latencyCount, 0);
        Interlocked.Exchange(ref _latencyTotalMs, 0);
        Interlocked.Exchange(ref _latencyMaxMs, 0);
        Interlocked.Exchange(ref _latencyMinMs, long.MaxValue);
    }

    public void OnReceived() => Interlocked.Increment(ref _received);

    public void OnSent(long latencyMs)
    {
        Interlocked.Increment(ref _sent);
        Interlocked.Increment(ref _latencyCount);
        Interlocked.Add(ref _latencyTotalMs, latencyMs);
        long seen;
        while (latencyMs > (seen = Interlocked.Read(ref _latencyMaxMs)) && Interlocked.CompareExchange(ref _latencyMaxMs, latencyMs, seen) != seen) { }
        while (latencyMs < (seen = Interlocked.Read(ref _latencyMinMs)) && Interlocked.CompareExchange(ref _latencyMinMs, latencyMs, seen) != seen) { }
    }
}
