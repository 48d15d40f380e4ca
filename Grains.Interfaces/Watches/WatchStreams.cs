namespace OrleansCoord.Watches;

/// <summary>Where watch events travel: one Orleans stream per znode path.</summary>
public static class WatchStreams
{
    /// <summary>The stream provider's name, on the silos and on clients.</summary>
    public const string ProviderName = "coord";

    /// <summary>The stream namespace of znode events; the stream key is the path.</summary>
    public const string Namespace = "coord.znode";
}
