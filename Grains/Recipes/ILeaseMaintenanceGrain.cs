using OrleansCoord.Grains.InternalCalls;
namespace OrleansCoord.Grains.Recipes;

/// <summary>The grid's side of a recipe grain: an ending session releases what it held. Not for clients.</summary>
[GridInternal]
[Alias("coord.lease.maintenance")]
public interface ILeaseMaintenanceGrain : IGrainWithStringKey
{
    /// <summary>Releases every hold of the session and drops its waiters.</summary>
    [Alias("release-session")] Task ReleaseSession(long sessionId);
}
