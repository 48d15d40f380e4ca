namespace OrleansCoord.Client;

/// <summary>What a client knows of its session, as ZooKeeper's KeeperState.</summary>
public enum SessionState
{
    Connected,
    Disconnected,
    Expired,
    Closed,
}
