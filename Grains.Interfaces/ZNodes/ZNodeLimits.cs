namespace OrleansCoord.ZNodes;

/// <summary>Bounds on what one request may carry.</summary>
public static class ZNodeLimits
{
    /// <summary>Largest data of one znode, and of all data in one multi: 1 MiB, as ZooKeeper's jute.maxbuffer.</summary>
    public const int MaxDataLength = 1024 * 1024;

    /// <summary>
    /// Most ops one multi may hold on any store, checked by the SDK. The grid checks the bound of its store, which
    /// may be lower: 32 ops on the AzureStorage and Memory profiles (one Azure Table transaction), 1,024 on Postgres
    /// (docs/adr/012-postgresql-store.md).
    /// </summary>
    public const int MaxMultiOps = 1_024;

    /// <summary>Session timeouts are negotiated into this range, in milliseconds.</summary>
    public const int MinSessionTimeoutMs = 2_000;

    public const int MaxSessionTimeoutMs = 60_000;

    /// <summary>Longest TTL accepted, as ZooKeeper's (its TTL field has 40 bits of milliseconds).</summary>
    public const long MaxTtlMs = (1L << 40) - 1;
}
