using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Storage;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>
/// The pending state of one znode while a batch or a transaction changes it: each method checks one
/// operation against the state so far and applies it, or throws a <see cref="CoordException"/> and
/// changes nothing. <see cref="Writes"/> collects the records other than the znode's own to write.
/// </summary>
internal sealed class NodeDraft(string path, ZNodeRecord? committed, SortedSet<string> children)
{
    public string Path { get; } = path;

    /// <summary>The znode as it will be; null when it will not exist.</summary>
    public ZNodeRecord? Record { get; private set; } = committed;

    public ChildrenDraft Children { get; } = new(children);

    public List<RecordWrite> Writes { get; } = [];

    /// <summary>Write the own record even when unchanged, so that the commit fails if it changed meanwhile.</summary>
    public bool ForceWrite { get; private set; }

    public (string Path, ZNodeRecord Record) CreateChild(CreateRequest request, long revision, long nowMs)
    {
        var sequential = request.Mode.IsSequential();
        var parent = Record ?? throw CoordException.NoNode(ZNodePath.Combine(Path, request.Name));
        var name = sequential ? ZNodePath.SequentialName(request.Name, parent.NextSequence) : request.Name;
        // The request itself was validated on receipt (ZNodeGrain.CreateChild, MultiGrain.Multi).
        var childPath = ZNodePath.Combine(Path, name);
        if (parent.EphemeralOwner != 0) throw CoordException.NoChildrenForEphemerals(childPath);
        if (Children.Contains(name)) throw CoordException.NodeExists(childPath);
        if (request.Mode.IsEphemeral() && request.SessionId == 0)
            throw CoordException.BadArguments(childPath, "an ephemeral node needs a session");

        var owner = request.Mode.IsEphemeral() ? request.SessionId : 0;
        var child = ZNodeRecord.Created(revision, nowMs, request.Data, request.Mode, request.TtlMs, owner, request.Acl);
        Record = parent with
        {
            Cversion = parent.Cversion + 1,
            NumChildren = parent.NumChildren + 1,
            Pzxid = revision,
            NextSequence = sequential ? parent.NextSequence + 1 : parent.NextSequence,
        };
        Children.Add(name);
        return (childPath, child);
    }

    public void DeleteChild(string name, long revision)
    {
        var parent = Record ?? throw CoordException.NoNode(ZNodePath.Combine(Path, name));
        if (!Children.Contains(name)) throw CoordException.NoNode(ZNodePath.Combine(Path, name));
        Record = parent with { Cversion = parent.Cversion + 1, NumChildren = parent.NumChildren - 1, Pzxid = revision };
        Children.Remove(name);
    }

    /// <summary>Sets the data (null is kept as null, <see cref="ZNodeRecord.NullData"/>) if the version matches (-1: any).</summary>
    public ZNodeRecord SetData(byte[]? data, int expectedVersion, long revision, long nowMs)
    {
        var node = Require(expectedVersion);
        Record = node with { Data = data ?? [], NullData = data is null, Version = node.Version + 1, Mzxid = revision, Mtime = nowMs };
        return Record;
    }

    /// <summary>Replaces the ACL if the ACL version matches (-1: any). Like ZooKeeper's setACL, no other Stat field moves.</summary>
    public ZNodeRecord SetAcl(AclEntry[] acl, int expectedAversion)
    {
        var node = Record ?? throw CoordException.NoNode(Path);
        if (expectedAversion != -1 && expectedAversion != node.Aversion)
            throw CoordException.BadVersion(Path, expectedAversion, node.Aversion);
        Record = node with { Acl = ZNodeRecord.StoredAcl(acl), Aversion = node.Aversion + 1 };
        return Record;
    }

    /// <summary>
    /// Throws NoAuth unless this znode's ACL grants <paramref name="perm"/> to <paramref name="caller"/>; nothing when the
    /// znode does not exist (the operation then fails with NoNode, as ZooKeeper checks existence first).
    /// </summary>
    /// <param name="target">The path the error names (the child, for a create or delete checked on its parent).</param>
    public void Authorize(AclPerms perm, IReadOnlyList<AuthId> caller, string target)
    {
        if (Record is { } node) AclCheck.Demand(target, node.Acl, perm, caller);
    }

    public void Check(int expectedVersion)
    {
        Require(expectedVersion);
        ForceWrite = true;
    }

    /// <summary>Removes this znode (it is the child of a delete); returns what it was.</summary>
    public ZNodeRecord DeleteSelf(int expectedVersion, long ownerFilter)
    {
        var node = Require(expectedVersion);
        if (ownerFilter != 0 && node.EphemeralOwner != ownerFilter)
            throw new CoordException(CoordErrorCode.NoNode, Path, "not owned by that session");
        if (node.NumChildren > 0) throw CoordException.NotEmpty(Path);
        Writes.AddRange(ChildRecordWrites.IndexDeletes(Path, node));
        Record = null;
        return node;
    }

    /// <summary>Makes this znode exist as <paramref name="record"/> (it is the child of a create).</summary>
    public void BecomeCreated(ZNodeRecord record)
    {
        if (Record is not null) throw CoordException.NodeExists(Path);
        Writes.AddRange(ChildRecordWrites.IndexInserts(Path, record));
        Record = record;
    }

    private ZNodeRecord Require(int expectedVersion)
    {
        var node = Record ?? throw CoordException.NoNode(Path);
        if (expectedVersion != -1 && expectedVersion != node.Version)
            throw CoordException.BadVersion(Path, expectedVersion, node.Version);
        return node;
    }
}
