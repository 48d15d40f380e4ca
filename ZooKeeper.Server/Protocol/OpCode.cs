namespace OrleansCoord.ZooKeeper.Server.Protocol;

/// <summary>ZooKeeper's request types (org.apache.zookeeper.ZooDefs.OpCode), as numbered on the wire.</summary>
internal static class OpCode
{
    public const int Notification = 0;
    public const int Create = 1;
    public const int Delete = 2;
    public const int Exists = 3;
    public const int GetData = 4;
    public const int SetData = 5;
    public const int GetAcl = 6;
    public const int SetAcl = 7;
    public const int GetChildren = 8;
    public const int Sync = 9;
    public const int Ping = 11;
    public const int GetChildren2 = 12;
    public const int Check = 13;
    public const int Multi = 14;
    public const int Create2 = 15;
    public const int Reconfig = 16;
    public const int CheckWatches = 17;
    public const int RemoveWatches = 18;
    public const int CreateContainer = 19;
    public const int DeleteContainer = 20;
    public const int CreateTtl = 21;
    public const int MultiRead = 22;
    public const int Auth = 100;
    public const int SetWatches = 101;
    public const int Sasl = 102;
    public const int GetEphemerals = 103;
    public const int GetAllChildrenNumber = 104;
    public const int SetWatches2 = 105;
    public const int AddWatch = 106;
    public const int WhoAmI = 107;
    public const int CreateSession = -10;
    public const int CloseSession = -11;

    /// <summary>The type of an error result inside a multi's response.</summary>
    public const int Error = -1;
}

/// <summary>The xids with a fixed meaning.</summary>
internal static class Xid
{
    public const int Notification = -1;
    public const int Ping = -2;
    public const int Auth = -4;
    /// <summary>What the Java client queues setWatches with; it renumbers it on sending, and the reply echoes whatever came.</summary>
    public const int SetWatches = -8;
}

/// <summary>Watcher.Event.EventType and KeeperState numbers.</summary>
internal static class WatcherEventType
{
    public const int None = -1;
    public const int DataWatchRemoved = 5;
    public const int ChildWatchRemoved = 6;
    public const int PersistentWatchRemoved = 7;

    public const int SyncConnected = 3;
}
