using OrleansCoord.Acls;
using OrleansCoord.ZNodes;

namespace OrleansCoord.SessionLayer;

/// <summary>
/// One attempt of each znode operation and what the session learns from its answer: the revision a write made, or
/// the highest one a read saw. A write carries the session's last revision as sent, not as the request began, so an
/// attempt after a retry carries what the session has seen meanwhile.
/// </summary>
public sealed partial class ZNodeCalls
{
    private readonly struct CreateCall(IZNodeGrain parent, CreateRequest request, RevisionTracker revisions) : IGridCall<CreateResult>
    {
        public Task<CreateResult> Send() => parent.CreateChild(request with { MinRevision = revisions.Last });

        public void Answered(CreateResult result) => revisions.Observe(result.Stat.Czxid);
    }

    private readonly struct GetDataCall(IZNodeGrain node, RevisionTracker revisions) : IGridCall<NodeData>
    {
        public Task<NodeData> Send() => node.GetData();

        public void Answered(NodeData result) => revisions.Observe(result.Stat.Mzxid);
    }

    private readonly struct ExistsCall(IZNodeGrain node, RevisionTracker revisions) : IGridCall<Stat?>
    {
        public Task<Stat?> Send() => node.Exists();

        public void Answered(Stat? result)
        {
            if (result is not null) revisions.Observe(Math.Max(result.Mzxid, result.Pzxid));
        }
    }

    private readonly struct SetDataCall(IZNodeGrain node, byte[]? data, int version, RevisionTracker revisions) : IGridCall<Stat>
    {
        public Task<Stat> Send() => node.SetData(data, version, revisions.Last);

        public void Answered(Stat result) => revisions.Observe(result.Mzxid);
    }

    private readonly struct DeleteCall(IZNodeGrain parent, string name, int version, RevisionTracker revisions) : IGridCall<bool>
    {
        public async Task<bool> Send()
        {
            await parent.DeleteChild(name, version, revisions.Last);
            return true;
        }

        public void Answered(bool result)
        {
        }
    }

    private readonly struct GetChildrenCall(IZNodeGrain node, RevisionTracker revisions) : IGridCall<ChildrenResult>
    {
        public Task<ChildrenResult> Send() => node.GetChildren();

        public void Answered(ChildrenResult result) => revisions.Observe(result.Stat.Pzxid);
    }

    private readonly struct SyncCall(IZNodeGrain node, RevisionTracker revisions) : IGridCall<long>
    {
        public Task<long> Send() => node.Sync();

        public void Answered(long result) => revisions.Observe(result);
    }

    private readonly struct GetAclCall(IZNodeGrain node, RevisionTracker revisions) : IGridCall<AclResult>
    {
        public Task<AclResult> Send() => node.GetAcl();

        public void Answered(AclResult result) => revisions.Observe(Math.Max(result.Stat.Mzxid, result.Stat.Pzxid));
    }

    private readonly struct SetAclCall(IZNodeGrain node, AclEntry[] acl, int aclVersion, RevisionTracker revisions) : IGridCall<Stat>
    {
        public Task<Stat> Send() => node.SetAcl(acl, aclVersion, revisions.Last);

        public void Answered(Stat result)
        {
        }
    }

    private readonly struct MultiCall(IMultiGrain multi, ZNodeOp[] ops, long sessionId, RevisionTracker revisions) : IGridCall<OpResult[]>
    {
        public Task<OpResult[]> Send() => multi.Multi(ops, sessionId, revisions.Last);

        public void Answered(OpResult[] results)
        {
            // A failed multi carries no Stat (nothing was applied).
            foreach (var result in results)
            {
                if (result.Stat is { } stat) revisions.Observe(Math.Max(stat.Mzxid, stat.Pzxid));
            }
        }
    }
}
