namespace OrleansCoord.Watches;

/// <summary>
/// Where watch events travel: a fixed set of Orleans streams, each carrying the events of the paths that hash
/// to it (docs/adr/006-watch-streams.md). Subscribers filter by path.
/// </summary>
public static class WatchStreams
{
    /// <summary>The stream provider's name, on the silos and on clients.</summary>
    public const string ProviderName = "coord";

    /// <summary>The stream namespace of znode events; the stream key is the shard number.</summary>
    public const string Namespace = "coord.znode";

    /// <summary>How many streams the paths are spread over.</summary>
    public const int Shards = 256;

    /// <summary>The shard of a path, the same in every process.</summary>
    public static int ShardOf(string path) => (int)(StableHash.Of(path) % Shards);
}
