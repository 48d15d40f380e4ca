namespace OrleansCoord.ZooKeeper.Server.Watches;

/// <summary>The one-shot watches a read can leave: getData's, exists', getChildren's.</summary>
internal enum ZkWatchKind
{
    None,
    Data,
    Exist,
    Child,
}
