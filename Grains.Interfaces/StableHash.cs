namespace OrleansCoord;

/// <summary>A string hash that is the same in every process and version (FNV-1a over UTF-16 code units), for
/// anything that clients and silos must map alike: watch shards, the sweeper's shares.</summary>
public static class StableHash
{
    public static uint Of(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value) hash = (hash ^ c) * 16777619u;
        return hash;
    }
}
