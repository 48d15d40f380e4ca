using OrleansCoord.ZooKeeper.Server.Protocol;
using OrleansCoord.ZNodes;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>The ordering keys of a request (<see cref="ZkRequestOrder"/>): what it reads and changes, and how.</summary>
internal static class ZkOrderKeys
{
    public static (string, OrderMode)[] Of(int type, ZkRecord body)
    {
        switch (type)
        {
            case OpCode.Multi or OpCode.MultiRead or OpCode.SetWatches or OpCode.SetWatches2 or OpCode.CloseSession or OpCode.Auth:
                return [(ZkRequestOrder.Session, OrderMode.Exclusive)];
            // Rare requests whose effect reaches beyond one znode and its children: after everything sent before them (a
            // watch added before a set must see it; getEphemerals and getAllChildrenNumber count the creates before them).
            case OpCode.AddWatch or OpCode.RemoveWatches or OpCode.CheckWatches or OpCode.GetEphemerals or OpCode.GetAllChildrenNumber
                or OpCode.DeleteContainer:
                return [(ZkRequestOrder.Session, OrderMode.Exclusive)];
            case OpCode.Create or OpCode.Create2 or OpCode.CreateContainer or OpCode.CreateTtl when body is CreateRecord { Path: { } path } create
                && ZNodePath.Check(path, sequential: true) is null && path != ZNodePath.Root:
                // The parent's own key (Read) orders the create after a create of the parent sent before it; sequential
                // creates of one parent do not commute: their numbers must follow the order they were sent.
                var parent = ZNodePath.Parent(path);
                return ((CreateMode)create.Flags).IsSequential()
                    ? [(ZkRequestOrder.Session, OrderMode.Read), (Node(parent), OrderMode.Read), (Children(parent), OrderMode.Append),
                        (Sequence(parent), OrderMode.Exclusive)]
                    : [(ZkRequestOrder.Session, OrderMode.Read), (Node(parent), OrderMode.Read), (Children(parent), OrderMode.Append),
                        (Node(path), OrderMode.Exclusive)];
            // A delete reads its parent's ACL, as a create does: a setAcl of the parent sent before it applies first.
            case OpCode.Delete when body is PathVersionRecord { Path: { } path } && ZNodePath.Check(path) is null && path != ZNodePath.Root:
                return [(ZkRequestOrder.Session, OrderMode.Read), (Node(ZNodePath.Parent(path)), OrderMode.Read),
                    (Children(ZNodePath.Parent(path)), OrderMode.Append), (Node(path), OrderMode.Exclusive), (Children(path), OrderMode.Read)];
            case OpCode.SetData when body is SetDataRecord { Path: { } path }:
                return [(ZkRequestOrder.Session, OrderMode.Read), (Node(path), OrderMode.Exclusive), (Children(path), OrderMode.Read)];
            case OpCode.SetAcl when body is SetAclRecord { Path: { } path }:
                return [(ZkRequestOrder.Session, OrderMode.Read), (Node(path), OrderMode.Exclusive), (Children(path), OrderMode.Read)];
            case OpCode.GetChildren or OpCode.GetChildren2 when body is PathWatchRecord { Path: { } path }:
                return [(ZkRequestOrder.Session, OrderMode.Read), (Node(path), OrderMode.Read), (Children(path), OrderMode.Read)];
            // A Stat counts the children (numChildren, cversion, pzxid): it must show the creates and deletes before it.
            case OpCode.Exists or OpCode.GetData when body is PathWatchRecord { Path: { } path }:
                return [(ZkRequestOrder.Session, OrderMode.Read), (Node(path), OrderMode.Read), (Children(path), OrderMode.Read)];
            case OpCode.GetAcl when body is PathRecord { Path: { } path }:
                return [(ZkRequestOrder.Session, OrderMode.Read), (Node(path), OrderMode.Read), (Children(path), OrderMode.Read)];
            case OpCode.Sync when body is PathRecord { Path: { } path }:
                return [(ZkRequestOrder.Session, OrderMode.Read), (Node(path), OrderMode.Read)];
            default:
                return [(ZkRequestOrder.Session, OrderMode.Read)];
        }
    }

    private static string Node(string path) => "n" + path;

    private static string Children(string path) => "c" + path;

    /// <summary>The sequence counter of a znode, which sequential creates under it take one at a time.</summary>
    private static string Sequence(string path) => "s" + path;
}
