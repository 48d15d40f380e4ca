using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.ZooKeeper.Server.Protocol;
using OrleansCoord.ZNodes;

namespace OrleansCoord.ZooKeeper.Server;

internal sealed partial class ZkOperations
{
    private const string ConfigNode = ZNodePath.Reserved + "/config";
    private const string QuotaNode = ZNodePath.Reserved + "/quota";

    /// <summary>
    /// /zookeeper/config and /zookeeper/quota as a standalone ZooKeeper 3.8 has them: empty, never changing (so a watch
    /// on them never fires and none is kept), config readable by anyone and writable by no one (READ_ACL_UNSAFE:
    /// NoAuth), quota with the open ACL. The grid keeps neither in its store: /zookeeper is stored without children and
    /// nothing may be stored under it, so the front end answers them (and /zookeeper's children and count) itself.
    /// Null when the request is not about them.
    /// </summary>
    private Task<ZkReply>? SystemNode(ZkRequest request)
    {
        var path = request.Body switch
        {
            PathWatchRecord r => r.Path,
            PathRecord r => r.Path,
            CreateRecord r => r.Path,
            SetDataRecord r => r.Path,
            PathVersionRecord r => r.Path,
            SetAclRecord r => r.Path,
            _ => null,
        };
        var xid = request.Xid;
        if (path == ZNodePath.Reserved && request.Type is OpCode.Exists or OpCode.GetData or OpCode.GetChildren or OpCode.GetChildren2)
        {
            return ReservedRootAsync(xid, request.Type);
        }

        if (path is not (ConfigNode or QuotaNode)) return null;
        var stat = new Stat();
        return Task.FromResult(request.Type switch
        {
            OpCode.Exists => ZkReply.Ok(xid, w => w.WriteStat(stat)),
            OpCode.GetData => ZkReply.Ok(xid, w => { w.WriteBuffer([]); w.WriteStat(stat); }),
            OpCode.GetChildren => ZkReply.Ok(xid, w => w.WriteStringVector([])),
            OpCode.GetChildren2 => ZkReply.Ok(xid, w => { w.WriteStringVector([]); w.WriteStat(stat); }),
            OpCode.GetAllChildrenNumber => ZkReply.Ok(xid, w => w.WriteInt(0)),
            OpCode.GetAcl => ZkReply.Ok(xid, w => { ZkAcl.WriteVector(w, path == ConfigNode ? Acl.ReadUnsafe : Acl.OpenUnsafe); w.WriteStat(stat); }),
            OpCode.Create or OpCode.Create2 or OpCode.CreateContainer or OpCode.CreateTtl => ZkReply.Failed(xid, CoordErrorCode.NodeExists),
            // ZooKeeper's ACL on config refuses every write; quota it would accept, but the grid keeps no quotas.
            _ when path == ConfigNode => ZkReply.Failed(xid, CoordErrorCode.NoAuth),
            OpCode.SetData or OpCode.Delete or OpCode.SetAcl => ZkReply.Failed(xid, CoordErrorCode.BadArguments),
            _ => null,
        } ?? ZkReply.Failed(xid, CoordErrorCode.BadArguments));
    }

    /// <summary>/zookeeper itself, read from the grid, with its two children counted and listed.</summary>
    private async Task<ZkReply> ReservedRootAsync(int xid, int type)
    {
        var (node, error) = await ReadAsync(() => Node(ZNodePath.Reserved).GetData());
        if (node is null) return ZkReply.Failed(xid, error);
        var stat = node.Stat with { NumChildren = 2 };
        string[] children = ["config", "quota"];
        return type switch
        {
            OpCode.Exists => ZkReply.Ok(xid, w => w.WriteStat(stat)),
            OpCode.GetData => ZkReply.Ok(xid, w => { w.WriteBuffer(node.Data); w.WriteStat(stat); }),
            OpCode.GetChildren => ZkReply.Ok(xid, w => w.WriteStringVector(children)),
            _ => ZkReply.Ok(xid, w => { w.WriteStringVector(children); w.WriteStat(stat); }),
        };
    }
}
