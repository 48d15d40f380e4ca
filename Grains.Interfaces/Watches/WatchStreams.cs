namespace OrleansCoord.Watches;

/// <summary>
/// Where watch events travel: a fixed set of Orleans streams, each carrying the events of the paths whose parent
/// hashes to it (docs/adr/006-watch-streams.md). Subscribers filter by path.
/// </summary>
public static class WatchStreams
{
    /// <summary>The stream provider's name, on the silos and on clients.</summary>
    public const string ProviderName = "coord";

    /// <summary>The stream namespace of znode events; the stream key is the shard number.</summary>
    public const string Namespace = "coord.znode";

    /// <summary>How many streams the paths are spread over.</summary>
    public const int Shards = 256;

    /// <summary>
    /// The shard of a path's events, the same in every process: chosen by the path's parent, so that the events of
    /// siblings (a batch of creates under one parent) share one stream and go out in one publish.
    /// </summary>
    public static int ShardOf(string path) =>
        (int)(StableHash.Of(path == ZNodes.ZNodePath.Root ? path : ZNodes.ZNodePath.Parent(path)) % Shards);
}
