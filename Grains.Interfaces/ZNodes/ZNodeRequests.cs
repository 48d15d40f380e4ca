using OrleansCoord.Errors;

namespace OrleansCoord.ZNodes;

/// <summary>
/// Checks of request arguments, run by the SDK before sending and by the grains on receipt, so that
/// bad input gets BadArguments and changes nothing.
/// </summary>
public static class ZNodeRequests
{
    public static void ValidateCreate(string? path, byte[]? data, CreateMode mode, long ttlMs)
    {
        if (!Enum.IsDefined(mode)) throw CoordException.BadArguments(path, $"unknown create mode {(int)mode}");
        ZNodePath.Validate(path, mode.IsSequential());
        if (path == ZNodePath.Root) throw new CoordException(CoordErrorCode.NodeExists, path);
        ValidateWritable(path!);
        ValidateData(path!, data);
        if (mode.IsTtl())
        {
            if (ttlMs is <= 0 or > ZNodeLimits.MaxTtlMs) throw CoordException.BadArguments(path, $"TTL must be 1..{ZNodeLimits.MaxTtlMs} ms, got {ttlMs}");
        }
        else if (ttlMs != 0)
        {
            throw CoordException.BadArguments(path, "a TTL needs a TTL create mode");
        }
    }

    public static void ValidateSet(string? path, byte[]? data, int version)
    {
        ZNodePath.Validate(path);
        ValidateWritable(path!);
        ValidateData(path!, data);
        ValidateVersion(path!, version);
    }

    public static void ValidateDelete(string? path, int version)
    {
        ZNodePath.Validate(path);
        if (path == ZNodePath.Root) throw CoordException.BadArguments(path, "the root cannot be deleted");
        ValidateWritable(path!);
        ValidateVersion(path!, version);
    }

    /// <param name="maxOps">The store's bound (the grid passes its store's), or <see cref="ZNodeLimits.MaxMultiOps"/>.</param>
    /// <param name="store">Who sets <paramref name="maxOps"/>, named in the error.</param>
    public static void ValidateMulti(IReadOnlyList<ZNodeOp?>? ops, int maxOps = ZNodeLimits.MaxMultiOps, string? store = null)
    {
        if (ops is null || ops.Count == 0) throw CoordException.BadArguments(null, "multi needs at least one op");
        if (ops.Count > Math.Min(maxOps, ZNodeLimits.MaxMultiOps))
        {
            throw CoordException.BadArguments(null, $"multi holds at most {Math.Min(maxOps, ZNodeLimits.MaxMultiOps)} ops{(store is null ? "" : " on " + store)}, got {ops.Count}");
        }

        long total = 0;
        foreach (var op in ops)
        {
            switch (op)
            {
                case CreateOp create:
                    ValidateCreate(create.Path, create.Data, create.Mode, create.TtlMs);
                    if (create.Acl is not null) Acls.Acl.ValidateResolved(create.Path, create.Acl);
                    total += create.Data?.Length ?? 0;
                    break;
                case SetDataOp set:
                    ValidateSet(set.Path, set.Data, set.Version);
                    total += set.Data?.Length ?? 0;
                    break;
                case DeleteOp delete:
                    ValidateDelete(delete.Path, delete.Version);
                    break;
                case CheckOp check:
                    ZNodePath.Validate(check.Path);
                    ValidateVersion(check.Path, check.Version);
                    break;
                default:
                    throw CoordException.BadArguments(null, "unknown op in multi");
            }
        }

        if (total > ZNodeLimits.MaxDataLength) throw CoordException.BadArguments(null, $"multi carries {total} bytes, more than {ZNodeLimits.MaxDataLength}");
    }

    public static void ValidateVersion(string path, int version)
    {
        if (version < -1) throw CoordException.BadArguments(path, $"version must be -1 or more, got {version}");
    }

    private static void ValidateData(string path, byte[]? data)
    {
        if (data is { Length: > ZNodeLimits.MaxDataLength })
            throw CoordException.BadArguments(path, $"data of {data.Length} bytes is more than {ZNodeLimits.MaxDataLength}");
    }

    private static void ValidateWritable(string path)
    {
        if (ZNodePath.IsReserved(path)) throw CoordException.BadArguments(path, "the /zookeeper subtree is reserved");
    }
}
