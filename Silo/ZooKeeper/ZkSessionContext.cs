using OrleansCoord.Silo.ZooKeeper.Watches;

namespace OrleansCoord.Silo.ZooKeeper;

/// <summary>What the operations of one connection share: its session, the highest revision it has seen, its watch interest.</summary>
internal sealed class ZkSessionContext(IGrainFactory grains, long sessionId, int timeoutMs, long lastZxidSeen)
{
    private long _lastRevision = Math.Max(0, lastZxidSeen);

    public IGrainFactory Grains { get; } = grains;

    public long SessionId { get; } = sessionId;

    public int TimeoutMs { get; } = timeoutMs;

    /// <summary>Set once, right after the connection that owns the session context is made.</summary>
    public ZkWatchInterest Interest { get; set; } = null!;

    /// <summary>True once the client sent a digest auth packet (the "auth" ACL scheme then is valid).</summary>
    public bool Authenticated { get; set; }

    /// <summary>The highest revision this session has seen; its writes get higher ones, as the SDK's do.</summary>
    public long LastRevision => Interlocked.Read(ref _lastRevision);

    public void ObserveRevision(long revision)
    {
        var seen = Interlocked.Read(ref _lastRevision);
        while (revision > seen)
        {
            var previous = Interlocked.CompareExchange(ref _lastRevision, revision, seen);
            if (previous == seen) return;
            seen = previous;
        }
    }
}
