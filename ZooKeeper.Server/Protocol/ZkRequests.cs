using OrleansCoord.Acls;

namespace OrleansCoord.ZooKeeper.Server.Protocol;

/// <summary>One decoded request: its xid, its type (<see cref="OpCode"/>) and its record.</summary>
internal sealed record ZkRequest(int Xid, int Type, ZkRecord Body);

/// <summary>The body of a request, as zookeeper.jute defines it.</summary>
internal abstract record ZkRecord;

/// <summary>A request without a body (ping, closeSession).</summary>
internal sealed record EmptyRecord : ZkRecord
{
    public static readonly EmptyRecord Instance = new();
}

/// <summary>SyncRequest, GetACLRequest, GetAllChildrenNumberRequest, GetEphemeralsRequest.</summary>
internal sealed record PathRecord(string? Path) : ZkRecord;

/// <summary>ExistsRequest, GetDataRequest, GetChildrenRequest, GetChildren2Request.</summary>
internal sealed record PathWatchRecord(string? Path, bool Watch) : ZkRecord;

/// <summary>CreateRequest and CreateTTLRequest (<see cref="Ttl"/> is 0 for the former).</summary>
internal sealed record CreateRecord(string? Path, byte[]? Data, List<AclEntry> Acl, int Flags, long Ttl) : ZkRecord;

/// <summary>DeleteRequest and CheckVersionRequest.</summary>
internal sealed record PathVersionRecord(string? Path, int Version) : ZkRecord;

internal sealed record SetDataRecord(string? Path, byte[]? Data, int Version) : ZkRecord;

internal sealed record SetAclRecord(string? Path, List<AclEntry> Acl, int Version) : ZkRecord;

/// <summary>A multi or multiRead: the ops in order, each with its own type.</summary>
internal sealed record MultiRecord(List<(int Type, ZkRecord Body)> Ops) : ZkRecord;

/// <summary>SetWatches and SetWatches2: watches a client re-registers after reconnecting, relative to its last zxid.</summary>
internal sealed record SetWatchesRecord(
    long RelativeZxid,
    List<string> DataWatches,
    List<string> ExistWatches,
    List<string> ChildWatches,
    List<string> PersistentWatches,
    List<string> PersistentRecursiveWatches) : ZkRecord;

/// <summary>AddWatchRequest: mode 0 persistent, 1 persistent recursive.</summary>
internal sealed record AddWatchRecord(string? Path, int Mode) : ZkRecord;

/// <summary>RemoveWatchesRequest and CheckWatchesRequest: type 1 children, 2 data, 3 any.</summary>
internal sealed record WatchTypeRecord(string? Path, int WatcherType) : ZkRecord;

internal sealed record AuthRecord(int AuthType, string? Scheme, byte[]? Auth) : ZkRecord;
