namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>Request types the tests send, from ZooKeeper's ZooDefs.OpCode.</summary>
internal static class Op
{
    public const int Create = 1, Delete = 2, Exists = 3, GetData = 4, SetData = 5, GetAcl = 6, SetAcl = 7, GetChildren = 8, Sync = 9, Ping = 11,
        GetChildren2 = 12, Check = 13, Multi = 14, Create2 = 15, CreateContainer = 19, CreateTtl = 21, MultiRead = 22, GetEphemerals = 103, GetAllChildrenNumber = 104, SetWatches = 101, CloseSession = -11,
        Auth = 100, SetWatches2 = 105, AddWatch = 106, WhoAmI = 107;
}

/// <summary>Error codes, from ZooKeeper's KeeperException.Code.</summary>
internal static class Err
{
    public const int Ok = 0, MarshallingError = -5, Unimplemented = -6, BadArguments = -8, NoNode = -101, BadVersion = -103,
        NoChildrenForEphemerals = -108, NodeExists = -110, NotEmpty = -111, RuntimeInconsistency = -2,
        NoAuth = -102, InvalidAcl = -114, AuthFailed = -115;
}

/// <summary>Watch event types, from ZooKeeper's Watcher.Event.EventType.</summary>
internal static class Event
{
    public const int NodeCreated = 1, NodeDeleted = 2, NodeDataChanged = 3, NodeChildrenChanged = 4;
}
