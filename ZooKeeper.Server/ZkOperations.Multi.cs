using OrleansCoord.Errors;
using OrleansCoord.ZooKeeper.Server.Jute;
using OrleansCoord.ZooKeeper.Server.Protocol;
using OrleansCoord.ZNodes;

namespace OrleansCoord.ZooKeeper.Server;

internal sealed partial class ZkOperations
{
    /// <summary>
    /// A multi: all ops in one grid transaction (IMultiGrain), or none. Like ZooKeeper, a failed multi answers with an
    /// error result per op: Ok before the failing op, its error, RuntimeInconsistency after it.
    /// </summary>
    private async Task<ZkReply> MultiAsync(int xid, MultiRecord request)
    {
        if (request.Ops.Count == 0) return ZkReply.Ok(xid, WriteEnd);

        var ops = new ZNodeOp[request.Ops.Count];
        for (var i = 0; i < ops.Length; i++)
        {
            var (op, error) = ToGridOp(request.Ops[i].Type, request.Ops[i].Body);
            if (op is null) return FailedMulti(xid, ops.Length, i, error);
            ops[i] = op;
        }

        var (results, failure) = await session.ZNodes.MultiAsync(ops);
        if (results is null) return ZkReply.Failed(xid, failure);

        var failed = results.Any(r => r.IsError);
        var observed = new List<(string, Stat?)>();
        long revision = 0;
        for (var i = 0; i < results.Length && !failed; i++)
        {
            if (results[i].Stat is { } stat)
            {
                revision = Math.Max(revision, Math.Max(stat.Mzxid, stat.Pzxid));
                observed.Add((results[i].Path ?? ops[i].Path, stat));
            }
            else if (ops[i] is DeleteOp delete)
            {
                observed.Add((delete.Path, null));
            }
        }

        var types = request.Ops.Select(o => o.Type).ToArray();
        return new ZkReply
        {
            Xid = xid,
            Revision = revision,
            Observed = observed,
            Body = w =>
            {
                for (var i = 0; i < results.Length; i++)
                {
                    if (failed) WriteError(w, results[i].Code);
                    else WriteResult(w, types[i], results[i]);
                }

                WriteEnd(w);
            },
        };
    }

    /// <summary>multiRead: getData and getChildren ops, each answered on its own (no transaction).</summary>
    private async Task<ZkReply> MultiReadAsync(int xid, MultiRecord request)
    {
        var answers = await Task.WhenAll(request.Ops.Select(async op =>
        {
            var path = ((PathWatchRecord)op.Body).Path;
            if (Invalid(path) is { } bad) return (op.Type, (Action<JuteWriter>?)null, bad);
            if (op.Type == OpCode.GetData)
            {
                var (node, error) = await ReadAsync(() => Node(path!).GetData());
                return (op.Type, node is null ? null : w => { w.WriteBufferOrNull(node.DataIsNull ? null : node.Data); w.WriteStat(node.Stat); }, error);
            }

            var (children, failure) = await ReadAsync(() => Node(path!).GetChildren());
            return (op.Type, children is null ? null : (Action<JuteWriter>)(w => w.WriteStringVector(children.Children)), failure);
        }));

        // One read the grid could not serve unanswers the whole request: the connection closes, the client retries.
        if (answers.Any(a => a.Item3 == CoordErrorCode.ConnectionLoss)) return ZkReply.Failed(xid, CoordErrorCode.ConnectionLoss);
        return ZkReply.Ok(xid, w =>
        {
            foreach (var (type, body, error) in answers)
            {
                if (body is null)
                {
                    WriteError(w, error);
                    continue;
                }

                WriteHeader(w, type, false, 0);
                body(w);
            }

            WriteEnd(w);
        });
    }

    private (ZNodeOp? Op, CoordErrorCode Error) ToGridOp(int type, ZkRecord body)
    {
        try
        {
            switch (body)
            {
                case CreateRecord create:
                    var (acl, refused) = CheckCreate(type, create);
                    if (refused is { } error) return (null, error);
                    return (new CreateOp(create.Path!, create.Data, (CreateMode)create.Flags, create.Ttl, acl), CoordErrorCode.Ok);
                case PathVersionRecord delete when type == OpCode.Delete:
                    ZNodeRequests.ValidateDelete(delete.Path, delete.Version);
                    return (new DeleteOp(delete.Path!, delete.Version), CoordErrorCode.Ok);
                case PathVersionRecord check:
                    ZNodePath.Validate(check.Path);
                    ZNodeRequests.ValidateVersion(check.Path!, check.Version);
                    return (new CheckOp(check.Path!, check.Version), CoordErrorCode.Ok);
                case SetDataRecord set:
                    ZNodeRequests.ValidateSet(set.Path, set.Data, set.Version);
                    return (new SetDataOp(set.Path!, set.Data, set.Version), CoordErrorCode.Ok);
                default:
                    // getData / getChildren belong in multiRead, not in a multi.
                    return (null, CoordErrorCode.BadArguments);
            }
        }
        catch (CoordException exception)
        {
            return (null, exception.Code);
        }
    }

    private static ZkReply FailedMulti(int xid, int count, int failing, CoordErrorCode error) => ZkReply.Ok(xid, w =>
    {
        for (var i = 0; i < count; i++)
        {
            WriteError(w, i < failing ? CoordErrorCode.Ok : i == failing ? error : CoordErrorCode.RuntimeInconsistency);
        }

        WriteEnd(w);
    });

    private static void WriteResult(JuteWriter writer, int type, OpResult result)
    {
        WriteHeader(writer, type, false, 0);
        switch (type)
        {
            case OpCode.Create:
                writer.WriteString(result.Path);
                break;
            case OpCode.Create2 or OpCode.CreateContainer or OpCode.CreateTtl:
                writer.WriteString(result.Path);
                writer.WriteStat(result.Stat ?? new Stat());
                break;
            case OpCode.SetData:
                writer.WriteStat(result.Stat ?? new Stat());
                break;
        }
    }

    private static void WriteError(JuteWriter writer, CoordErrorCode error)
    {
        WriteHeader(writer, OpCode.Error, false, (int)error);
        writer.WriteInt((int)error);
    }

    private static void WriteEnd(JuteWriter writer) => WriteHeader(writer, -1, true, -1);

    private static void WriteHeader(JuteWriter writer, int type, bool done, int error)
    {
        writer.WriteInt(type);
        writer.WriteBool(done);
        writer.WriteInt(error);
    }
}
