using OrleansCoord.Grains.InternalCalls;

namespace OrleansCoord.Grains.Recipes;

/// <summary>The grid's side of a recipe grain: an ending session releases what it held, and the operator's view
/// (Operator/IGridOperatorGrain) reads holders and waiters past the recipe's ACL. Not for clients.</summary>
[GridInternal]
[Alias("coord.lease.maintenance")]
public interface ILeaseMaintenanceGrain : IGrainWithStringKey
{
    /// <summary>Releases every hold of the session and drops its waiters.</summary>
    [Alias("release-session")] Task ReleaseSession(long sessionId);

    /// <summary>The holders and the waiters queued in this activation (they live only in its memory), whatever the ACL.</summary>
    [Alias("inspect")] Task<LeaseInspection> Inspect();
}
