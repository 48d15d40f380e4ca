using OrleansCoord.Acls;
using OrleansCoord.ZNodes;

namespace OrleansCoord.SessionLayer;

/// <summary>
/// The znode operations of one session as grain calls, for both front doors (Client/CoordClient.ZNodes.cs and
/// ZooKeeper.Server/ZkOperations*.cs): which grain each goes to, what it carries (the session, its last revision as
/// the write's minimum, sent anew on each attempt) and which revision of the answer the session has seen since.
/// Validation is the front door's (the SDK throws, the wire server answers a code without touching the grid).
/// </summary>
/// <remarks>Each method hands one small struct to <see cref="GridCalls"/>: no closure and no extra async step per request.</remarks>
/// <param name="grains">Where the grains are.</param>
/// <param name="node">How this front door gets a znode's grain reference (the wire server skips Orleans' per-call type lookup).</param>
/// <param name="sessionId">The session the calls are made for (ephemeral owner, multi's session).</param>
/// <param name="revisions">The session's last seen revision.</param>
/// <param name="rules">How the front door runs its calls.</param>
/// <param name="readPatience">How long a read may take in all, attempts included.</param>
public sealed partial class ZNodeCalls(IGrainFactory grains, Func<string, IZNodeGrain> node, long sessionId, RevisionTracker revisions,
    GridCallRules rules, TimeSpan readPatience)
{
    /// <summary>The highest revision the session has seen.</summary>
    public RevisionTracker Revisions => revisions;

    /// <summary>create / create2: through the parent, the authority for its children; <paramref name="data"/> as given (null stays null).</summary>
    public Task<GridCallOutcome<CreateResult>> CreateAsync(string path, byte[]? data, CreateMode mode, long ttlMs, AclEntry[]? acl,
        CancellationToken cancellationToken = default) =>
        GridCalls.RunAsync<CreateCall, CreateResult>(
            new(node(ZNodePath.Parent(path)), new CreateRequest(ZNodePath.Name(path), data, mode, ttlMs, sessionId, 0, acl), revisions),
            null, rules, cancellationToken);

    /// <summary>getData.</summary>
    public Task<GridCallOutcome<NodeData>> GetDataAsync(string path, CancellationToken cancellationToken = default) =>
        GridCalls.RunAsync<GetDataCall, NodeData>(new(node(path), revisions), readPatience, rules, cancellationToken);

    /// <summary>exists: the Stat, or null when the znode does not exist.</summary>
    public Task<GridCallOutcome<Stat?>> ExistsAsync(string path, CancellationToken cancellationToken = default) =>
        GridCalls.RunAsync<ExistsCall, Stat?>(new(node(path), revisions), readPatience, rules, cancellationToken);

    /// <summary>setData if the version matches (-1: any).</summary>
    public Task<GridCallOutcome<Stat>> SetDataAsync(string path, byte[]? data, int version, CancellationToken cancellationToken = default) =>
        GridCalls.RunAsync<SetDataCall, Stat>(new(node(path), data, version, revisions), null, rules, cancellationToken);

    /// <summary>delete if the version matches (-1: any), through the parent; true when done.</summary>
    public Task<GridCallOutcome<bool>> DeleteAsync(string path, int version, CancellationToken cancellationToken = default) =>
        GridCalls.RunAsync<DeleteCall, bool>(new(node(ZNodePath.Parent(path)), ZNodePath.Name(path), version, revisions), null, rules, cancellationToken);

    /// <summary>getChildren / getChildren2.</summary>
    public Task<GridCallOutcome<ChildrenResult>> GetChildrenAsync(string path, CancellationToken cancellationToken = default) =>
        GridCalls.RunAsync<GetChildrenCall, ChildrenResult>(new(node(path), revisions), readPatience, rules, cancellationToken);

    /// <summary>getAllChildrenNumber: the number of all descendants.</summary>
    public Task<GridCallOutcome<int>> GetAllChildrenNumberAsync(string path, CancellationToken cancellationToken = default) =>
        GridCalls.RunAsync(node(path).GetAllChildrenNumber, readPatience, rules, cancellationToken);

    /// <summary>sync: the revision the next read of the path will at least see.</summary>
    public Task<GridCallOutcome<long>> SyncAsync(string path, CancellationToken cancellationToken = default) =>
        GridCalls.RunAsync<SyncCall, long>(new(node(path), revisions), readPatience, rules, cancellationToken);

    /// <summary>getACL (the SDK's: the session has seen the Stat's revisions; the wire server's getACL does not observe them).</summary>
    public Task<GridCallOutcome<AclResult>> GetAclAsync(string path, CancellationToken cancellationToken = default) =>
        GridCalls.RunAsync<GetAclCall, AclResult>(new(node(path), revisions), readPatience, rules, cancellationToken);

    /// <summary>setACL if the ACL version matches (-1: any); <paramref name="acl"/> already resolved.</summary>
    public Task<GridCallOutcome<Stat>> SetAclAsync(string path, AclEntry[] acl, int aclVersion, CancellationToken cancellationToken = default) =>
        GridCalls.RunAsync<SetAclCall, Stat>(new(node(path), acl, aclVersion, revisions), null, rules, cancellationToken);

    /// <summary>multi: all ops in one grid transaction, or none.</summary>
    public Task<GridCallOutcome<OpResult[]>> MultiAsync(ZNodeOp[] ops, CancellationToken cancellationToken = default) =>
        GridCalls.RunAsync<MultiCall, OpResult[]>(new(grains.GetGrain<IMultiGrain>(0), ops, sessionId, revisions), null, rules, cancellationToken);
}
