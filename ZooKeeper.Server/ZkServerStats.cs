using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansCoord.Errors;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// Counters of this silo's ZooKeeper endpoint: the one source of the four-letter words' figures (srvr, stat, mntr, cons,
/// srst) and of <see cref="ZkRequestMeter"/>'s gauges on <c>/metrics</c>. Packet counts run from the silo's start (a
/// Prometheus counter never goes back); srst moves the words' baseline instead of zeroing them.
/// </summary>
internal sealed class ZkServerStats
{
    private long _received;
    private long _sent;
    private long _receivedAtReset;
    private long _sentAtReset;
    private long _latencyTotalMs;
    private long _latencyCount;
    private long _latencyMaxMs;
    private long _latencyMinMs = long.MaxValue;

    public ZkServerStats() => ZkRequestMeter.Observe(this);

    public ConcurrentDictionary<ZkConnection, byte> Connections { get; } = new();

    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    /// <summary>Packets received since the last srst (mntr's zk_packets_received).</summary>
    public long Received => ReceivedTotal - Interlocked.Read(ref _receivedAtReset);

    /// <summary>Replies sent since the last srst (mntr's zk_packets_sent).</summary>
    public long Sent => SentTotal - Interlocked.Read(ref _sentAtReset);

    public long ReceivedTotal => Interlocked.Read(ref _received);

    public long SentTotal => Interlocked.Read(ref _sent);

    public long Outstanding => Connections.Keys.Sum(c => (long)c.Outstanding);

    /// <summary>Watches the connections hold (mntr's zk_watch_count).</summary>
    public long WatchCount => Connections.Keys.Sum(c => (long)c.WatchCount);

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
        Interlocked.Exchange(ref _receivedAtReset, ReceivedTotal);
        Interlocked.Exchange(ref _sentAtReset, SentTotal);
        Interlocked.Exchange(ref _latencyCount, 0);
        Interlocked.Exchange(ref _latencyTotalMs, 0);
        Interlocked.Exchange(ref _latencyMaxMs, 0);
        Interlocked.Exchange(ref _latencyMinMs, long.MaxValue);
    }

    public void OnReceived() => Interlocked.Increment(ref _received);

    /// <summary>
    /// A reply to a request of type <paramref name="opcode"/>, read at <paramref name="startedTimestamp"/>, was written:
    /// one latency for mntr (milliseconds, since srst) and for <c>/metrics</c> (seconds, by operation and outcome).
    /// </summary>
    /// <returns>The latency in milliseconds (for cons).</returns>
    public long OnSent(int opcode, CoordErrorCode outcome, long startedTimestamp)
    {
        var elapsed = Stopwatch.GetElapsedTime(startedTimestamp);
        ZkRequestMeter.RecordReply(opcode, outcome, elapsed.TotalSeconds);
        var latencyMs = (long)elapsed.TotalMilliseconds;
        Interlocked.Increment(ref _sent);
        Interlocked.Increment(ref _latencyCount);
        Interlocked.Add(ref _latencyTotalMs, latencyMs);
        long seen;
        while (latencyMs > (seen = Interlocked.Read(ref _latencyMaxMs)) && Interlocked.CompareExchange(ref _latencyMaxMs, latencyMs, seen) != seen) { }
        while (latencyMs < (seen = Interlocked.Read(ref _latencyMinMs)) && Interlocked.CompareExchange(ref _latencyMinMs, latencyMs, seen) != seen) { }
        return latencyMs;
    }

    /// <summary>A request the grid gave no answer to: the connection closes instead of replying (counted as ConnectionLoss, not sent).</summary>
    public static void OnUnanswered(int opcode, CoordErrorCode outcome, long startedTimestamp) =>
        ZkRequestMeter.RecordReply(opcode, outcome, Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);
}
