namespace OrleansCoord.Grains.Hosting;

/// <summary>Where the grid keeps its tree and sessions.</summary>
public enum StorageProfile
{
    /// <summary>Azure Table (and Blob) storage; Azurite by default. Durable.</summary>
    AzureStorage,

    /// <summary>In process memory, shared by the silos of one process. For tests only: nothing survives a restart.</summary>
    Memory,

    /// <summary>PostgreSQL for the tree and for clustering (Storage.Postgres; docs/adr/012). Durable: an acknowledged write
    /// is on disk. Its tree store is registered by the host, not by <c>AddCoordGrid</c>.</summary>
    Postgres,
}

/// <summary>Which grain directory places the grid's grains (docs/adr/005-grain-directory.md).</summary>
public enum GrainDirectoryChoice
{
    /// <summary>Orleans' default, eventually consistent directory: may briefly hold two activations while membership changes.</summary>
    Default,

    /// <summary>Orleans' strongly consistent in-cluster directory (experimental in Orleans 10): no duplicate activations.</summary>
    Distributed,
}

/// <summary>Options of the coordination grid inside a silo.</summary>
public sealed class CoordGridOptions
{
    /// <value><see cref="StorageProfile.AzureStorage"/></value>
    public StorageProfile Profile { get; set; } = StorageProfile.AzureStorage;

    /// <summary>Azure Storage connection string for the tree, sessions, clustering and grain state.</summary>
    /// <value><c>UseDevelopmentStorage=true</c> (Azurite on localhost).</value>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>The table that holds znodes, sessions and their indexes.</summary>
    /// <value>coordtree</value>
    public string TableName { get; set; } = DefaultTableName;

    private const string DefaultTableName = "coordtree";

    /// <summary>The service id whose tree is <see cref="DefaultTableName"/> (the silo's default service).</summary>
    public const string DefaultServiceId = "orleanscoord";

    /// <summary>The tree table of a service. Services sharing a storage account keep separate trees, while the clusters of
    /// one service (say a blue/green deployment) share one. An id a table name cannot hold as it is (other characters,
    /// too long) gets a short hash of itself appended, so that two such ids still differ.</summary>
    public static string TableNameFor(string serviceId)
    {
        if (serviceId == DefaultServiceId) return DefaultTableName;
        const int MaxLength = 63; // Azure table names: 3-63 letters and digits, a letter first
        var kept = new string([.. serviceId.Where(char.IsAsciiLetterOrDigit)]).ToLowerInvariant();
        if (kept == serviceId && DefaultTableName.Length + kept.Length <= MaxLength) return DefaultTableName + kept;
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(serviceId)))[..8];
        kept = kept[..Math.Min(kept.Length, MaxLength - DefaultTableName.Length - hash.Length)];
        return DefaultTableName + kept + hash;
    }

    /// <summary>The blob container for data too large for a table record.</summary>
    /// <value>coorddata</value>
    public string BlobContainerName { get; set; } = "coorddata";

    /// <summary>Name of the in-memory store shared by the silos of one process (Memory profile).</summary>
    /// <value>default</value>
    public string MemoryStoreName { get; set; } = "default";

    /// <summary>How often each silo sweeps for sessions, TTL and container nodes whose grain is not active.</summary>
    /// <value>2 seconds.</value>
    public TimeSpan SweepPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a znode waits for the verdict of a transaction it prepared before it resolves the
    /// outcome from storage itself (the coordinator may have died).</summary>
    /// <value>5 seconds.</value>
    public TimeSpan InDoubtTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many watch events a watch shard queues for one subscriber (a process) at most; a subscriber that
    /// falls further behind has its queue emptied and is told to resync (docs/adr/014-watch-delivery.md).</summary>
    /// <value>10,000 (about 1 MB per subscriber and shard at worst).</value>
    public int WatchQueueLimit { get; set; } = 10_000;

    /// <summary>A digest id (<c>user:base64(sha1(user:password))</c>) whose holder passes every ACL check, like ZooKeeper's
    /// <c>zookeeper.DigestAuthenticationProvider.superDigest</c>: for operators who must repair a znode nobody else may touch.</summary>
    /// <value>null: no superuser.</value>
    public string? SuperDigest { get; set; }

    /// <summary>How long a credential the grid issues stays valid (docs/adr/017): the SDK renews it with each heartbeat,
    /// the ZooKeeper port with the connection's calls; a credential of an ended session stops working this long (plus
    /// <see cref="CredentialClockTolerance"/>) after its last renewal. All silos of a cluster should agree.</summary>
    /// <value>60 seconds.</value>
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How far past its expiry a silo still accepts a credential another silo issued: the clock difference
    /// between silos this grid tolerates.</summary>
    /// <value>5 seconds.</value>
    public TimeSpan CredentialClockTolerance { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The grain directory. Read when the grid is added to the silo builder; later changes have no effect.</summary>
    /// <value><see cref="GrainDirectoryChoice.Default"/></value>
    public GrainDirectoryChoice GrainDirectory { get; set; } = GrainDirectoryChoice.Default;
}
