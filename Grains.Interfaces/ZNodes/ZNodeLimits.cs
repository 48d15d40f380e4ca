namespace OrleansCoord.ZNodes;

/// <summary>Bounds on what one request may carry.</summary>
public static class ZNodeLimits
{
    /// <summary>Largest data of one znode, and of all data in one multi: 1 MiB, as ZooKeeper's jute.maxbuffer.</summary>
    public const int MaxDataLength = 1024 * 1024;

    /// <summary>Most znodes one multi may touch (one storage transaction holds at most 100 records).</summary>
    public const int MaxMultiOps = 32;

    /// <summary>Session timeouts are negotiated into this range, in milliseconds.</summary>
    public const int MinSessionTimeoutMs = 2_000;

    public const int MaxSessionTimeoutMs = 60_000;

    /// <summary>Longest TTL accepted, as ZooKeeper's (its TTL field has 40 bits of milliseconds).</summary>
    public const long MaxTtlMs = (1L << 40) - 1;
}
