using OrleansCoord.Acls;
using OrleansCoord.Errors;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.ZNodes;

/// <summary>TTL and container znodes delete themselves, through their parent, when their time has come.</summary>
internal sealed partial class ZNodeGrain
{
    public async Task CheckExpiry()
    {
        if (IsRoot || await ReadCommittedAsync() is not { NumChildren: 0 } record) return;

        var due = record.Mode.IsTtl() ? NowMs - record.Mtime >= record.TtlMs
            : record.Mode.IsContainer() && record.Cversion > 0;
        if (!due) return;

        try
        {
            // The expected version makes a concurrent set win over the expiry, as in ZooKeeper. Housekeeping is
            // the grid's own: the parent's ACL does not apply to it.
            Caller.Use(credentials.Grid);
            await GrainFactory.GetGrain<IZNodeGrain>(ZNodePath.Parent(_path)).DeleteChild(ZNodePath.Name(_path), record.Version, 0);
        }
        catch (CoordException exception) when (exception.Code is CoordErrorCode.NoNode or CoordErrorCode.NotEmpty or CoordErrorCode.BadVersion)
        {
        }
        catch (RetryableConflictException)
        {
            // The next sweep tries again.
        }
    }
}
