using OrleansCoord.Errors;
using OrleansCoord.ZooKeeper.Server.Jute;
using OrleansCoord.ZooKeeper.Server.Watches;
using OrleansCoord.Watches;
using OrleansCoord.ZNodes;
using OrleansCoord.SessionLayer;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// The answer to one request, and what the writer loop must do around it: notify watches that the reply reveals a
/// change for (before the reply), register the watch the request set (with the revision its read saw), close the
/// connection after it.
/// </summary>
internal sealed class ZkReply
{
    public required int Xid { get; init; }

    public CoordErrorCode Error { get; init; }

    /// <summary>Writes the response record after the ReplyHeader; null for none.</summary>
    public Action<JuteWriter>? Body { get; init; }

    /// <summary>The highest revision the reply shows the client (becomes the header's zxid).</summary>
    public long Revision { get; init; }

    /// <summary>Znodes the reply shows (Stat, or null when it is gone), checked against the connection's one-shot watches.</summary>
    public List<(string Path, Stat? Stat)>? Observed { get; init; }

    /// <summary>A children list the reply shows (getChildren), checked against one-shot watches on those children.</summary>
    public (string Parent, IReadOnlyList<string> Children, long ParentPzxid)? ObservedChildren { get; init; }

    /// <summary>The one-shot watch the request leaves, on <see cref="WatchPath"/>; the request took one interest for it.</summary>
    public WatchKind? Watch { get; init; }

    public string? WatchPath { get; init; }

    /// <summary>The Stat the watch's read saw (null: the node did not exist).</summary>
    public Stat? WatchStat { get; init; }

    /// <summary>Events to notify before the reply (setWatches finds changes made while the client was away).</summary>
    public List<WatchEvent>? Notifications { get; init; }

    /// <summary>Work on the registry that only the writer may do (setWatches, addWatch, removeWatches).</summary>
    public Func<ZkWatchRegistry, CoordErrorCode>? RegistryAction { get; init; }

    /// <summary>Close the connection once this reply is sent (closeSession, unknown request types).</summary>
    public bool CloseAfter { get; init; }

    public static ZkReply Ok(int xid, Action<JuteWriter>? body = null, long revision = 0) => new() { Xid = xid, Body = body, Revision = revision };

    public static ZkReply Failed(int xid, CoordErrorCode error) => new() { Xid = xid, Error = error };
}
